#include "lib/yaml/yaml_reader.hpp"

#include <gtest/gtest.h>

namespace dynop::yaml {
namespace {

using namespace std::chrono_literals;

YAML::Node doc(const Reader& r, const std::string& text) {
  auto parsed = r.parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return parsed.ok() ? *parsed : YAML::Node();
}

TEST(YamlReader, SyntaxErrorsNameLineAndColumn) {
  Reader r("p.yaml");
  auto parsed = r.parse("a: [1,\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), "p.yaml:2:1: not valid YAML: end of sequence flow not found");
}

TEST(YamlReader, UnknownAndRepeatedKeysAreRefusedWithTheKnownOnes) {
  Reader r("p.yaml");
  YAML::Node root = doc(r, "count: 1\ngpu: 2\n");
  auto ok = r.known_keys(root, "pools[0]", {"count", "gpus"});
  ASSERT_FALSE(ok.ok());
  EXPECT_EQ(ok.error(), "p.yaml:2:1: pools[0]: unknown field \"gpu\" (known: count, gpus)");
  auto list = r.known_keys(doc(r, "- 1\n"), "pools[0]", {"count"});
  EXPECT_EQ(list.error(), "p.yaml:1:1: pools[0] must be a mapping, found a list");
}

TEST(YamlReader, TypedScalarsSayWhatWasFound) {
  Reader r("p.yaml");
  YAML::Node root = doc(r, "n: eight\nm: 70000\nq: 12Qi\nd: 30\nb: maybe\nf: 1.5\n");
  EXPECT_EQ(r.integer(root["n"], "gpus", 0, 64).error(),
            "p.yaml:1:4: gpus must be a whole number, found \"eight\"");
  EXPECT_EQ(r.integer(root["m"], "port", 1, 65535).error(),
            "p.yaml:2:4: port must be between 1 and 65535, found 70000");
  EXPECT_EQ(r.quantity(root["q"], "memory").error(),
            "p.yaml:3:4: memory must be a quantity like 64 or 512Gi, found \"12Qi\"");
  EXPECT_EQ(r.duration(root["d"], "delay").error(),
            "p.yaml:4:4: delay: time: missing unit in duration \"30\"");
  EXPECT_EQ(r.boolean(root["b"], "events").error(),
            "p.yaml:5:4: events must be true or false, found \"maybe\"");
  EXPECT_EQ(*r.number(root["f"], "rate"), 1.5);
  EXPECT_EQ(*r.duration(doc(r, "d: 1m30s\n")["d"], "delay"), 90s);
  EXPECT_EQ(r.quantity(doc(r, "q: 2Ti\n")["q"], "memory")->to_string(), "2Ti");
}

TEST(YamlReader, AMissingNodeHasNoPosition) {
  Reader r("p.yaml");
  YAML::Node root = doc(r, "a: 1\n");
  EXPECT_EQ(r.at(root["absent"], "needs b").message, "p.yaml: needs b");
}

}  // namespace
}  // namespace dynop::yaml
