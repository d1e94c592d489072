#include "plugins/webhook/dgdsa_rules.hpp"

#include <gtest/gtest.h>

#include "tests/unit/plugins/webhook/fixtures.hpp"

namespace dynop::plugins::webhook {
namespace {

using namespace testing;

common::AdapterView adapter_facts(const std::string& dgd, const std::string& service_name) {
  return common::parse_adapter_json(json::serialize(adapter(dgd, service_name)))->view;
}

// A lookup that knows one DGD, default/sglang-agg, and records what it was asked.
struct FakeLookup {
  json::object dgd = sglang_agg();
  DgdLookupResult::State state = DgdLookupResult::State::kFound;
  std::string asked;

  DgdLookup get() {
    return [this](std::string_view ns, std::string_view name) {
      asked = std::string(ns) + "/" + std::string(name);
      if (state != DgdLookupResult::State::kFound) {
        return DgdLookupResult{state, "", "informer cache not synced"};
      }
      if (ns != "default" || name != "sglang-agg") return DgdLookupResult{};
      return DgdLookupResult{DgdLookupResult::State::kFound, json::serialize(dgd), ""};
    };
  }
};

Violations check(FakeLookup& lookup, const common::AdapterView& facts) {
  Violations out;
  check_referenced_service(facts, "default", lookup.get(), out);
  return out;
}

TEST(ReferencedService, AdmitsAnEnabledServiceOfAnExistingDgd) {
  FakeLookup lookup;
  EXPECT_TRUE(check(lookup, adapter_facts("sglang-agg", "decode")).empty());
  EXPECT_EQ(lookup.asked, "default/sglang-agg");
  EXPECT_TRUE(check(lookup, adapter_facts("sglang-agg", "Frontend")).empty());
}

TEST(ReferencedService, DeniesAMissingDgd) {
  FakeLookup lookup;
  EXPECT_EQ(check(lookup, adapter_facts("other", "decode")),
            Violations{"spec.dgdRef.name: DynamoGraphDeployment \"other\" not found in namespace "
                       "\"default\""});
}

TEST(ReferencedService, DeniesAMissingServiceNamingTheOnesThatExist) {
  FakeLookup lookup;
  EXPECT_EQ(check(lookup, adapter_facts("sglang-agg", "frontend")),  // case matters
            Violations{"spec.dgdRef.serviceName: DynamoGraphDeployment \"sglang-agg\" has no "
                       "service \"frontend\" (its services: Frontend, decode)"});
}

TEST(ReferencedService, DeniesAServiceWhoseAdapterIsDisabled) {
  FakeLookup lookup;
  service(lookup.dgd, "decode")["scalingAdapter"] = json::object{{"enabled", false}};
  EXPECT_EQ(check(lookup, adapter_facts("sglang-agg", "decode")),
            Violations{"spec.dgdRef.serviceName: the scaling adapter of service \"decode\" is "
                       "disabled in DynamoGraphDeployment \"sglang-agg\" "
                       "(spec.services[decode].scalingAdapter); enable it there instead of "
                       "creating an adapter by hand"});
}

TEST(ReferencedService, FailsClosedWhenTheDgdCannotBeRead) {
  FakeLookup lookup;
  lookup.state = DgdLookupResult::State::kUnavailable;
  EXPECT_EQ(check(lookup, adapter_facts("sglang-agg", "decode")),
            Violations{"spec.dgdRef.name: cannot read DynamoGraphDeployment \"sglang-agg\" to "
                       "check the reference (informer cache not synced); try again"});
}

TEST(DgdRef, IsImmutable) {
  Violations out;
  check_dgd_ref_immutable(adapter_facts("a", "decode"), adapter_facts("a", "decode"), out);
  EXPECT_TRUE(out.empty());
  check_dgd_ref_immutable(adapter_facts("a", "decode"), adapter_facts("b", "decode"), out);
  EXPECT_EQ(out, Violations{"spec.dgdRef.name is immutable: it cannot change from \"a\" to \"b\"; "
                            "create a new adapter instead"});
  out.clear();
  check_dgd_ref_immutable(adapter_facts("a", "decode"), adapter_facts("a", "prefill"), out);
  EXPECT_EQ(out, Violations{"spec.dgdRef.serviceName is immutable: it cannot change from "
                            "\"decode\" to \"prefill\"; create a new adapter instead"});
}

}  // namespace
}  // namespace dynop::plugins::webhook
