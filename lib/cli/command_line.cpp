#include "lib/cli/command_line.hpp"

#include <cstdio>
#include <sstream>

namespace dynop::cli {

namespace po = boost::program_options;

namespace {

// Positional arguments are collected under this name only to be refused with
// a message naming the first one.
constexpr const char* kPositional = "dynop-cli-positional";

// The text given for `flag` ("--port x" or "--port=x"), for messages about a
// value program_options could not convert.
std::string given_value(const std::vector<std::string>& args, const std::string& flag) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == flag && i + 1 < args.size()) return args[i + 1];
    if (args[i].starts_with(flag + "=")) return args[i].substr(flag.size() + 1);
  }
  return "";
}

// A flag given twice takes its last value, as Go's flag packages do (callers
// append an override to a command line of defaults); flags declared
// composing() (lists) keep every occurrence.
void keep_last_occurrences(po::parsed_options& parsed, const po::options_description& flags) {
  auto& options = parsed.options;
  for (std::size_t i = options.size(); i-- > 0;) {
    const po::option_description* description = flags.find_nothrow(options[i].string_key, false);
    if (description == nullptr || description->semantic()->is_composing()) continue;
    for (std::size_t j = i; j-- > 0;) {
      if (options[j].string_key == options[i].string_key) {
        options.erase(options.begin() + static_cast<std::ptrdiff_t>(j));
        --i;
      }
    }
  }
}

}  // namespace

bool parse(const std::vector<std::string>& args, const po::options_description& flags,
           const std::string& program, po::variables_map& values, std::string& error) {
  return parse(args, flags, po::positional_options_description(), program, values, error);
}

bool parse(const std::vector<std::string>& args, const po::options_description& flags,
           const po::positional_options_description& named_positional, const std::string& program,
           po::variables_map& values, std::string& error) {
  po::options_description all;
  all.add(flags);
  all.add_options()(kPositional, po::value<std::vector<std::string>>());
  po::positional_options_description positional = named_positional;
  positional.add(kPositional, -1);
  // unix_style without guessing: "--plug" must not mean "--plugins".
  const int style = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;
  try {
    po::parsed_options parsed =
        po::command_line_parser(args).options(all).positional(positional).style(style).run();
    keep_last_occurrences(parsed, all);
    po::store(parsed, values);
    if (values.count(kPositional) != 0) {
      const auto& extra = values[kPositional].as<std::vector<std::string>>();
      error = "unexpected argument \"" + extra.front() + "\" (" + program +
              " takes only flags; see --help)";
      return false;
    }
    po::notify(values);
    return true;
  } catch (const po::unknown_option& e) {
    error = "unknown flag " + e.get_option_name() + " (see --help)";
  } catch (const po::invalid_command_line_syntax& e) {
    if (e.kind() == po::invalid_syntax::missing_parameter) {
      error = "flag " + e.get_option_name() + " needs a value";
    } else {
      error = e.what();
    }
  } catch (const po::invalid_option_value& e) {
    error =
        e.get_option_name() + ": invalid value \"" + given_value(args, e.get_option_name()) + "\"";
  } catch (const po::error& e) {
    error = e.what();
  } catch (const std::invalid_argument& e) {
    error = e.what();
  }
  return false;
}

std::optional<int> parse_main(int argc, const char* const* argv,
                              const po::options_description& flags, const std::string& program,
                              const std::string& synopsis, po::variables_map& values,
                              const po::positional_options_description* positional) {
  po::options_description all;
  all.add(flags);
  po::options_description help_flag;
  help_flag.add_options()("help,h", "print this help and exit");
  all.add(help_flag);
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::string error;
  const bool ok = positional != nullptr ? parse(args, all, *positional, program, values, error)
                                        : parse(args, all, program, values, error);
  if (!ok) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), error.c_str());
    return 2;
  }
  if (values.count("help") != 0) {
    std::printf("Usage: %s %s\n\n%s", program.c_str(), synopsis.c_str(), describe(all).c_str());
    return 0;
  }
  return std::nullopt;
}

std::string describe(const po::options_description& flags) {
  std::ostringstream out;
  out << flags;
  return out.str();
}

}  // namespace dynop::cli
