#pragma once
// Command-line flags, declared with Boost.Program_options and read with the
// same rules and one-line errors in every dynop executable:
//   --name value and --name=value; -h for --help; no abbreviations (a typo
//   is an error, not a guess); no positional arguments; a flag given twice
//   takes its last value (as Go's flags), except composing() lists, which
//   collect every occurrence.
//
//   namespace po = boost::program_options;
//   po::options_description flags("Flags");
//   flags.add_options()
//       ("help,h", "print this help and exit")
//       ("port", po::value<int>()->value_name("N")->default_value(0), "HTTPS port");
//   po::variables_map values;
//   std::string error;
//   if (!dynop::cli::parse(args, flags, "dynop-localcluster", values, error)) {
//     fprintf(stderr, "dynop-localcluster: %s\n", error.c_str());   // exit 2
//   }
//
// The --help text is program_options' own listing of `flags` (cli::describe),
// so it always names exactly the flags that are accepted.

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dynop::cli {

// Parses `args` (argv without argv[0]) into `values` and runs the notifiers.
// false and one line in `error` on a mistake:
//   unknown flag --x (see --help)
//   flag --log-level needs a value
//   --port: invalid value "x"            (a value of the wrong type)
//   unexpected argument "stray" (<program> takes only flags; see --help)
// A notifier that throws boost::program_options::error (or
// std::invalid_argument) fails the parse with its message.
bool parse(const std::vector<std::string>& args,
           const boost::program_options::options_description& flags, const std::string& program,
           boost::program_options::variables_map& values, std::string& error);

// The same, with positional arguments mapped to flags (the benches take
// their older positional form, `bench 100000`, as well as `--pods 100000`).
bool parse(const std::vector<std::string>& args,
           const boost::program_options::options_description& flags,
           const boost::program_options::positional_options_description& positional,
           const std::string& program, boost::program_options::variables_map& values,
           std::string& error);

// What main() does with its command line: adds -h/--help to `flags` and
// parses argv. nullopt: go on. Otherwise main returns the exit code: 0 after
// printing "Usage: <program> <synopsis>" and the flags for --help, 2 after
// printing "<program>: <error>" to stderr.
std::optional<int> parse_main(
    int argc, const char* const* argv, const boost::program_options::options_description& flags,
    const std::string& program, const std::string& synopsis,
    boost::program_options::variables_map& values,
    const boost::program_options::positional_options_description* positional = nullptr);

// program_options' listing of `flags` (one flag a line, wrapped at 100 columns).
std::string describe(const boost::program_options::options_description& flags);

}  // namespace dynop::cli
