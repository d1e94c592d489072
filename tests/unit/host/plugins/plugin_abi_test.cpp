// The current abi.h against the frozen ABI 1.0 headers (tests/fixtures/abi-1.0):
// every 1.0 field is where a 1.0 plugin put it, struct_size was appended
// exactly where each 1.0 struct ended, and the host reads 1.0 arrays (laid out
// by the frozen headers) and 1.1 ones by their element size.
#include "host/plugins/plugin_abi.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/fixtures/abi-1.0/layout_v1_0.h"

namespace dynop::host {
namespace {

struct Layout {
  std::map<std::string, std::string> kind;                         // type -> kind
  std::map<std::string, std::size_t> size;                         // type -> sizeof
  std::map<std::pair<std::string, std::string>, std::size_t> end;  // (type, field) -> end
  std::map<std::pair<std::string, std::string>, std::size_t> offset;
};

Layout frozen_layout() {
  Layout out;
  std::size_t count = 0;
  const dynop_v1_0_layout_entry* entries = dynop_v1_0_layout(&count);
  for (std::size_t i = 0; i < count; ++i) {
    const dynop_v1_0_layout_entry& e = entries[i];
    if (e.field == nullptr) {
      out.kind[e.type] = e.kind;
      out.size[e.type] = e.size;
    } else {
      out.offset[{e.type, e.field}] = e.offset;
      out.end[{e.type, e.field}] = e.offset + e.size;
    }
  }
  return out;
}

// The same list, laid out by the current abi.h.
Layout current_layout() {
  Layout out;
#define DYNOP_LAYOUT_STRUCT(type, kind_name) \
  out.kind[#type] = #kind_name;              \
  out.size[#type] = sizeof(type);
#define DYNOP_LAYOUT_FIELD(type, field)                \
  out.offset[{#type, #field}] = offsetof(type, field); \
  out.end[{#type, #field}] = DYNOP_FIELD_END(type, field);
#include "tests/fixtures/abi-1.0/layout_fields.def"
#undef DYNOP_LAYOUT_STRUCT
#undef DYNOP_LAYOUT_FIELD
  return out;
}

// Where struct_size starts in the current abi.h, for the structs that got it
// in 1.1 (0 for the others).
std::map<std::string, std::size_t> appended_struct_size_offsets() {
  return {
      {"dynop_watch", v1_0_size<dynop_watch>()},
      {"dynop_reconciler_spec", v1_0_size<dynop_reconciler_spec>()},
      {"dynop_reconcile_result", v1_0_size<dynop_reconcile_result>()},
      {"dynop_reconciler_hooks", v1_0_size<dynop_reconciler_hooks>()},
      {"dynop_admission_rule", v1_0_size<dynop_admission_rule>()},
      {"dynop_admission_spec", v1_0_size<dynop_admission_spec>()},
      {"dynop_admission_response", v1_0_size<dynop_admission_response>()},
      {"dynop_admission_hooks", v1_0_size<dynop_admission_hooks>()},
      {"dynop_placement_spec", v1_0_size<dynop_placement_spec>()},
      {"dynop_placement_hooks", v1_0_size<dynop_placement_hooks>()},
      {"dynop_autoscaler_spec", v1_0_size<dynop_autoscaler_spec>()},
      {"dynop_scale_decision", v1_0_size<dynop_scale_decision>()},
      {"dynop_autoscaler_hooks", v1_0_size<dynop_autoscaler_hooks>()},
  };
}

TEST(PluginAbiLayout, Every10FieldIsWhereA10PluginPutsIt) {
  const Layout frozen = frozen_layout();
  const Layout current = current_layout();
  ASSERT_FALSE(frozen.offset.empty());
  for (const auto& [field, offset] : frozen.offset) {
    EXPECT_EQ(current.offset.at(field), offset) << field.first << "." << field.second;
    EXPECT_EQ(current.end.at(field), frozen.end.at(field)) << field.first << "." << field.second;
  }
}

TEST(PluginAbiLayout, StructsGrowOnlyAtTheirEnd) {
  const Layout frozen = frozen_layout();
  const Layout current = current_layout();
  const auto appended = appended_struct_size_offsets();
  for (const auto& [type, kind] : frozen.kind) {
    const std::size_t size_1_0 = frozen.size.at(type);
    if (kind == "FIXED") {
      EXPECT_EQ(current.size.at(type), size_1_0) << type << " may never change";
    } else if (kind == "SIZED_FIRST") {
      EXPECT_GE(current.size.at(type), size_1_0) << type;
    } else if (kind == "PLUGIN_IN") {
      // The host reads a 1.0 plugin's struct (and steps through its arrays)
      // by this size: it must be the 1.0 sizeof exactly.
      EXPECT_EQ(appended.at(type), size_1_0) << type;
    } else {
      ASSERT_EQ(kind, "HOST_OUT") << type;
      // Host memory: a 1.0 plugin writes its whole 1.0 struct, so nothing
      // newer may start before that struct's end.
      EXPECT_GE(appended.at(type), size_1_0) << type;
    }
  }
  EXPECT_EQ(DYNOP_HOST_SIZE_V1_0, frozen.size.at("dynop_host"));
  EXPECT_EQ(DYNOP_DESCRIPTOR_SIZE_V1_0, frozen.size.at("dynop_plugin_descriptor"));
}

std::string str(dynop_str s) { return std::string(s.data, s.size); }

TEST(ReadPluginArray, ReadsA10ArrayBy10ElementSize) {
  std::size_t count = 0;
  const auto* watches = static_cast<const dynop_watch*>(dynop_v1_0_sample_watches(&count));
  std::vector<dynop_watch> out;
  std::string error;
  ASSERT_TRUE(read_plugin_array(0, watches, count, "its watch", out, error)) << error;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(str(out[0].gvk.kind), "Pod");
  EXPECT_EQ(out[0].mapping, DYNOP_MAP_CONTROLLER_OWNER);
  EXPECT_EQ(str(out[1].gvk.kind), "Service");
  EXPECT_EQ(out[1].mapping, DYNOP_MAP_SAME_KEY);
  EXPECT_EQ(out[1].struct_size, 0u);  // not the plugin's: read as the default

  const auto* rules = static_cast<const dynop_admission_rule*>(dynop_v1_0_sample_rules(&count));
  std::vector<dynop_admission_rule> rules_out;
  ASSERT_TRUE(read_plugin_array(0, rules, count, "its rule", rules_out, error)) << error;
  ASSERT_EQ(rules_out.size(), 1u);
  EXPECT_EQ(str(rules_out[0].resource), "dynamographdeployments");
  EXPECT_EQ(rules_out[0].operations, DYNOP_OP_CREATE | DYNOP_OP_UPDATE);

  const auto* decisions =
      static_cast<const dynop_scale_decision*>(dynop_v1_0_sample_decisions(&count));
  std::vector<dynop_scale_decision> decisions_out;
  ASSERT_TRUE(read_plugin_array(0, decisions, count, "its decision", decisions_out, error))
      << error;
  ASSERT_EQ(decisions_out.size(), 2u);
  EXPECT_EQ(str(decisions_out[1].target.name), "prefill");
  EXPECT_EQ(decisions_out[1].desired_replicas, 5);
  EXPECT_EQ(str(decisions_out[1].reason), "queue is long");
}

// A plugin from a newer SDK: larger elements (its stride), read up to this
// host's fields.
TEST(ReadPluginArray, ReadsLargerElementsByTheirStructSize) {
  struct NewerWatch {
    dynop_watch known;
    long appended_later;
  };
  NewerWatch watches[2]{};
  watches[0].known.gvk.kind = {"Pod", 3};
  watches[1].known.gvk.kind = {"Service", 7};
  watches[1].known.mapping = DYNOP_MAP_FUNCTION;
  for (NewerWatch& w : watches) {
    w.known.struct_size = sizeof(NewerWatch);
    w.appended_later = -1;
  }
  std::vector<dynop_watch> out;
  std::string error;
  ASSERT_TRUE(read_plugin_array(1, &watches[0].known, 2, "its watch", out, error)) << error;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(str(out[1].gvk.kind), "Service");
  EXPECT_EQ(out[1].mapping, DYNOP_MAP_FUNCTION);
}

// A plugin of an older minor (here 1.1, before dynop_watch.cache): fields past
// its struct_size read as zero, whatever lies beyond in its memory.
TEST(ReadPluginArray, FieldsPastTheElementSizeReadAsZero) {
  constexpr std::size_t kSize11 = offsetof(dynop_watch, cache);
  alignas(dynop_watch) unsigned char bytes[2 * kSize11 + sizeof(dynop_watch)];
  std::memset(bytes, 0xff, sizeof(bytes));
  for (int i = 0; i < 2; ++i) {
    dynop_watch w{};
    w.gvk.kind = i == 0 ? dynop_str{"Pod", 3} : dynop_str{"Service", 7};
    w.mapping = DYNOP_MAP_SAME_KEY;
    w.struct_size = kSize11;
    std::memcpy(bytes + i * kSize11, &w, kSize11);
  }
  std::vector<dynop_watch> out;
  std::string error;
  ASSERT_TRUE(
      read_plugin_array(1, reinterpret_cast<const dynop_watch*>(bytes), 2, "its watch", out, error))
      << error;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(str(out[1].gvk.kind), "Service");
  EXPECT_EQ(out[1].cache.mode, DYNOP_CACHE_FULL);
  EXPECT_EQ(out[1].cache.writes, 0u);
  EXPECT_EQ(out[1].cache.fields, nullptr);
}

TEST(ReadPluginArray, A11ElementWithoutItsSizeIsAnError) {
  dynop_watch watch{};
  watch.gvk.kind = {"Pod", 3};
  std::vector<dynop_watch> out;
  std::string error;
  EXPECT_FALSE(read_plugin_array(1, &watch, 1, "its watch", out, error));
  EXPECT_EQ(error,
            "its watch has struct_size 0; a plugin of ABI 1.1 or later sets it to the "
            "struct's sizeof (at least " +
                std::to_string(v1_1_min_size<dynop_watch>()) + ")");
  EXPECT_FALSE(read_plugin_array<dynop_watch>(1, nullptr, 2, "its watch", out, error));
  EXPECT_EQ(error, "its watch: a count of 2 without an array");
}

TEST(OutStruct, CarriesTheHostsSize) {
  const auto spec = out_struct<dynop_reconciler_spec>();
  EXPECT_EQ(spec.struct_size, sizeof(dynop_reconciler_spec));
  EXPECT_EQ(spec.watch_count, 0u);
}

}  // namespace
}  // namespace dynop::host
