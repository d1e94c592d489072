#include "localcluster/faults/fault_config.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <boost/program_options.hpp>

namespace dynop::localcluster::faults {
namespace {

namespace json = boost::json;

TEST(FaultConfigJson, DefaultsReadAsTheContractShowsThem) {
  EXPECT_EQ(json::serialize(to_json(FaultConfig{})),
            R"({"writeErrorRate":0,"writeErrorCode":500,"retryAfterSeconds":1,"latencyMs":0,)"
            R"("resources":[],"names":[]})");
}

TEST(FaultConfigJson, EveryFieldApplies) {
  auto config = apply_json({}, R"({"writeErrorRate":0.5,"writeErrorCode":409,
      "retryAfterSeconds":7,"latencyMs":25,"resources":["configmaps","pods"],"names":["a"]})");
  ASSERT_TRUE(config) << config.error();
  EXPECT_DOUBLE_EQ(config->write_error_rate, 0.5);
  EXPECT_EQ(config->write_error_code, 409);
  EXPECT_EQ(config->retry_after_seconds, 7);
  EXPECT_EQ(config->latency_ms, 25);
  EXPECT_EQ(config->resources, (std::vector<std::string>{"configmaps", "pods"}));
  EXPECT_EQ(config->names, std::vector<std::string>{"a"});
  auto doc = to_json(*config);
  EXPECT_DOUBLE_EQ(doc.at("writeErrorRate").to_number<double>(), 0.5);
  EXPECT_EQ(doc.at("resources").as_array().size(), 2u);
}

TEST(FaultConfigJson, MissingFieldsKeepTheirCurrentValues) {
  FaultConfig current;
  current.write_error_code = 429;
  current.resources = {"leases"};
  auto config = apply_json(current, R"({"writeErrorRate":1})");
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->write_error_rate, 1);
  EXPECT_EQ(config->write_error_code, 429);
  EXPECT_EQ(config->resources, std::vector<std::string>{"leases"});
}

TEST(FaultConfigJson, TheDocumentGetReturnsCanBeSentBack) {
  auto config = apply_json({}, R"({"writeErrorRate":0,"writeErrorCode":500,"retryAfterSeconds":1,
      "latencyMs":0,"resources":[],"names":[],"injectedFailures":12})");
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(*config, FaultConfig{});
}

TEST(FaultConfigJson, ErrorsNameTheField) {
  auto rate = apply_json({}, R"({"writeErrorRate":1.5})");
  ASSERT_FALSE(rate);
  EXPECT_EQ(rate.error(), "writeErrorRate: Invalid value: 1.5: must be between 0 and 1");

  auto code = apply_json({}, R"({"writeErrorCode":418})");
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error(),
            R"(writeErrorCode: Unsupported value: 418: supported values: "409", "429", "500")");

  auto type = apply_json({}, R"({"latencyMs":"10"})");
  ASSERT_FALSE(type);
  EXPECT_EQ(type.error(), R"(latencyMs: Invalid value: "10": must be an integer)");

  auto unknown = apply_json({}, R"({"writeErrorRatio":0.5})");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), R"(unknown field "writeErrorRatio")");

  auto item = apply_json({}, R"({"resources":["pods",3]})");
  ASSERT_FALSE(item);
  EXPECT_EQ(item.error(), "resources[1]: Invalid value: 3: must be a plural resource name");

  auto negative = apply_json({}, R"({"retryAfterSeconds":-1})");
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error(), "retryAfterSeconds: Invalid value: -1: must be between 0 and 3600");
}

TEST(FaultConfigJson, SeveralErrorsAreAllReportedAndNothingApplies) {
  auto config = apply_json({}, R"({"writeErrorRate":0.5,"writeErrorCode":200,"bogus":true})");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().find("writeErrorCode"), std::string::npos);
  EXPECT_NE(config.error().find(R"(unknown field "bogus")"), std::string::npos);
}

TEST(FaultConfigJson, BodyThatIsNotAnObjectIsRefused) {
  EXPECT_FALSE(apply_json({}, "[1]"));
  EXPECT_FALSE(apply_json({}, "{"));
  auto empty = apply_json({}, "{}");
  EXPECT_TRUE(empty);
}

TEST(FaultConfigFlags, EachFlagSetsItsField) {
  FaultConfig config;
  EXPECT_TRUE(apply_flag(config, "--fault-write-error-rate", "0.25"));
  EXPECT_TRUE(apply_flag(config, "--fault-write-error-code", "429"));
  EXPECT_TRUE(apply_flag(config, "--fault-retry-after", "4"));
  EXPECT_TRUE(apply_flag(config, "--fault-latency", "15"));
  EXPECT_TRUE(apply_flag(config, "--fault-resources", "configmaps, pods,,"));
  EXPECT_DOUBLE_EQ(config.write_error_rate, 0.25);
  EXPECT_EQ(config.write_error_code, 429);
  EXPECT_EQ(config.retry_after_seconds, 4);
  EXPECT_EQ(config.latency_ms, 15);
  EXPECT_EQ(config.resources, (std::vector<std::string>{"configmaps", "pods"}));
  EXPECT_TRUE(apply_flag(config, "--fault-resources", ""));
  EXPECT_TRUE(config.resources.empty());
}

TEST(FaultConfigFlags, BadValuesNameTheFlag) {
  FaultConfig config;
  auto rate = apply_flag(config, "--fault-write-error-rate", "2");
  ASSERT_FALSE(rate);
  EXPECT_EQ(rate.error(),
            R"(--fault-write-error-rate: invalid value "2": must be between 0 and 1)");
  auto code = apply_flag(config, "--fault-write-error-code", "503");
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error(),
            R"(--fault-write-error-code: invalid value "503": supported values: 409, 429, 500)");
  auto latency = apply_flag(config, "--fault-latency", "5ms");
  ASSERT_FALSE(latency);
  EXPECT_EQ(latency.error(), R"(--fault-latency: invalid value "5ms": must be an integer)");
  EXPECT_EQ(config, FaultConfig{});
}

TEST(FaultConfigFlags, ACommandLineAppliesEachGivenFlag) {
  FaultConfig config;
  const auto flags = fault_flags(config);
  EXPECT_NE(flags.find_nothrow("fault-latency", false), nullptr);
  EXPECT_EQ(flags.find_nothrow("port", false), nullptr);
  boost::program_options::variables_map values;
  boost::program_options::store(
      boost::program_options::parse_command_line(
          3, std::array<const char*, 3>{"x", "--fault-latency=15", "--fault-resources=pods"}.data(),
          flags),
      values);
  boost::program_options::notify(values);
  EXPECT_EQ(config.latency_ms, 15);
  EXPECT_EQ(config.resources, (std::vector<std::string>{"pods"}));
}

TEST(FaultConfig, ResourcesFilter) {
  FaultConfig config;
  EXPECT_TRUE(config.applies_to("leases"));
  config.resources = {"configmaps"};
  EXPECT_TRUE(config.applies_to("configmaps"));
  EXPECT_FALSE(config.applies_to("leases"));
}

TEST(FaultConfig, SubresourceAndNameFilters) {
  FaultConfig config;
  config.resources = {"pods/binding"};
  config.names = {"mn-0-3"};
  EXPECT_TRUE(config.applies_to("pods", "binding", "mn-0-3"));
  EXPECT_FALSE(config.applies_to("pods", "binding", "mn-0-2"));
  EXPECT_FALSE(config.applies_to("pods", "", "mn-0-3"));
  EXPECT_FALSE(config.applies_to("pods", "status", "mn-0-3"));
  config.resources = {"pods"};  // the resource and all its subresources
  EXPECT_TRUE(config.applies_to("pods", "status", "mn-0-3"));
  auto bad = apply_json({}, R"({"names":"x"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "names: Invalid value: \"x\": must be a list of object names");
  FaultConfig flags;
  ASSERT_TRUE(apply_flag(flags, "--fault-names", "a, b"));
  EXPECT_EQ(flags.names, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace dynop::localcluster::faults
