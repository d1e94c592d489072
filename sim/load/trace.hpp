#pragma once
// A request trace in the format of Azure's public LLM inference traces
// (shared/reference/bench-data/traces/azure_llm_2023_conv.csv):
//
//   TIMESTAMP,ContextTokens,GeneratedTokens
//   2023-11-16 18:15:46.6805900,374,44
//
// The timestamp may also be plain seconds ("12.5"). The header line is
// optional. Errors name the file and line: "t.csv:7: ContextTokens must be a
// positive whole number, found \"abc\"".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::sim {

struct TraceRecord {
  double offset_seconds;  // since the trace's first request
  std::int32_t input_tokens;
  std::int32_t output_tokens;
};

struct Trace {
  std::string source;
  std::vector<TraceRecord> records;  // in time order, first at offset 0
  double duration_seconds() const { return records.empty() ? 0.0 : records.back().offset_seconds; }
};

apimachinery::Result<Trace> parse_trace(std::string_view text, std::string_view source);
apimachinery::Result<Trace> load_trace(const std::string& path);

}  // namespace dynop::sim
