#pragma once
// The engine profiles of the shared reference data
// (`shared/reference/bench-data/profiles`), loaded once per process through
// lib/profiling. Header-only like reference_dir.hpp: a test links
// dynop::profiling (directly or through the library it tests).
//
// A profile that does not load throws, naming the file and the problem; a
// test calling this then fails with that message (GoogleTest reports the
// exception) instead of running on an empty profile.

#include <stdexcept>
#include <string>

#include "lib/profiling/engine_profile.hpp"
#include "tests/support/reference_dir.hpp"

namespace dynop::test {

// The H200, Llama 3.1 8B FP8, vLLM profile (`dynamo_h200_llama31_8b_fp8_vllm.json`).
inline const profiling::EngineProfile& h200_llama31_8b_profile() {
  static const profiling::EngineProfile profile = [] {
    auto loaded = profiling::load_engine_profile(
        reference_dir() + "/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json");
    if (!loaded.ok()) throw std::runtime_error(loaded.error());
    return *loaded;
  }();
  return profile;
}

}  // namespace dynop::test
