#include "lib/cli/command_line.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dynop::cli {
namespace {

namespace po = boost::program_options;

struct Parsed {
  bool ok = false;
  std::string error;
  std::string level = "info";
  int port = 0;
  bool in_memory = false;
  std::vector<std::string> plugins;
};

Parsed run(const std::vector<std::string>& args, bool positional_port = false) {
  Parsed out;
  po::options_description flags;
  flags.add_options()("log-level", po::value(&out.level), "level")(
      "port", po::value(&out.port), "port")("in-memory", po::bool_switch(&out.in_memory), "memory")(
      "plugins", po::value(&out.plugins)->composing(), "plugins");
  po::variables_map values;
  if (positional_port) {
    po::positional_options_description positional;
    positional.add("port", 1);
    out.ok = parse(args, flags, positional, "prog", values, out.error);
  } else {
    out.ok = parse(args, flags, "prog", values, out.error);
  }
  return out;
}

TEST(CommandLine, BothSpellingsOfAValueAndSwitches) {
  Parsed p = run({"--log-level", "debug", "--port=8080", "--in-memory"});
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.level, "debug");
  EXPECT_EQ(p.port, 8080);
  EXPECT_TRUE(p.in_memory);
}

TEST(CommandLine, MistakesAreOneLineNamingTheFlag) {
  EXPECT_EQ(run({"--frobnicate"}).error, "unknown flag --frobnicate (see --help)");
  EXPECT_EQ(run({"--log-level"}).error, "flag --log-level needs a value");
  EXPECT_EQ(run({"--port", "x"}).error, "--port: invalid value \"x\"");
  EXPECT_EQ(run({"--port=1e3"}).error, "--port: invalid value \"1e3\"");
  EXPECT_EQ(run({"stray"}).error,
            "unexpected argument \"stray\" (prog takes only flags; see --help)");
  // No guessing: a prefix of a flag is not that flag.
  EXPECT_EQ(run({"--log", "debug"}).error, "unknown flag --log (see --help)");
}

TEST(CommandLine, TheLastValueOfARepeatedFlagWinsAndListsCollect) {
  Parsed p = run({"--log-level", "warn", "--plugins", "a,b", "--log-level=debug", "--plugins=c"});
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.level, "debug");
  EXPECT_EQ(p.plugins, (std::vector<std::string>{"a,b", "c"}));
}

TEST(CommandLine, PositionalArgumentsMapToFlagsWhenDeclared) {
  Parsed p = run({"9000"}, true);
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.port, 9000);
  EXPECT_EQ(run({"9000", "extra"}, true).error,
            "unexpected argument \"extra\" (prog takes only flags; see --help)");
}

TEST(CommandLine, HelpListsEveryFlag) {
  po::options_description flags("Flags");
  flags.add_options()("data-dir", po::value<std::string>()->value_name("DIR"), "state folder");
  const std::string help = describe(flags);
  EXPECT_NE(help.find("--data-dir DIR"), std::string::npos) << help;
  EXPECT_NE(help.find("state folder"), std::string::npos) << help;
}

}  // namespace
}  // namespace dynop::cli
