#pragma once
// Reading a plugin's side of the C ABI by the ABI version it declares (the
// rules of "How structs grow" in sdk/include/dynop/abi.h): the host copies
// what the plugin's struct has into a struct of its own ABI, zeroed first,
// so a field the plugin's (older) struct lacks reads as 0/NULL, its
// documented default. Nothing here reads past the plugin's struct.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "dynop/abi.h"

namespace dynop::host {

// Where the fields of ABI 1.0 ended in a struct that got `size_t
// struct_size` appended in 1.1: right where struct_size starts (a size_t
// after the last 1.0 field starts exactly at the 1.0 struct's end).
// tests/unit/host/plugins/plugin_abi_test.cpp checks each against the frozen
// 1.0 headers.
template <class T>
constexpr std::size_t v1_0_size() {
  return offsetof(T, struct_size);
}

// The smallest struct_size a plugin of ABI 1.1 or later may declare.
template <class T>
constexpr std::size_t v1_1_min_size() {
  return DYNOP_FIELD_END(T, struct_size);
}

// The size of the plugin's struct `p` (one that got struct_size in 1.1):
// its 1.0 size for a plugin of ABI 1.0, else its struct_size. Returns 0 and
// sets `error`, naming `what`, when the plugin's struct_size is too small to
// be one.
template <class T>
std::size_t plugin_struct_size(uint16_t abi_minor, const T& p, std::string_view what,
                               std::string& error) {
  if (abi_minor == 0) return v1_0_size<T>();
  if (p.struct_size < v1_1_min_size<T>()) {
    error = std::string(what) + " has struct_size " + std::to_string(p.struct_size) +
            "; a plugin of ABI 1.1 or later sets it to the struct's sizeof (at least " +
            std::to_string(v1_1_min_size<T>()) + ")";
    return 0;
  }
  return p.struct_size;
}

// A copy of the first `size` bytes of `p` in a zeroed T (the rest of T stays 0).
template <class T>
T copy_prefix(const void* p, std::size_t size) {
  T out{};
  std::memcpy(static_cast<void*>(&out), p, std::min(size, sizeof(T)));
  return out;
}

// Copies the plugin's struct `p` (NULL allowed: `out` is then zeroed) into
// `out`. False, with `error` set, when its struct_size is invalid.
template <class T>
bool read_plugin_struct(uint16_t abi_minor, const T* p, std::string_view what, T& out,
                        std::string& error) {
  out = T{};
  if (p == nullptr) return true;
  const std::size_t size = plugin_struct_size(abi_minor, *p, what, error);
  if (size == 0) return false;
  out = copy_prefix<T>(p, size);
  return true;
}

// Copies `count` elements of a plugin array whose element type got
// struct_size in 1.1. Its stride is the plugin's element size: the 1.0 size,
// or the struct_size of the first element (every element has the same).
template <class T>
bool read_plugin_array(uint16_t abi_minor, const T* first, std::size_t count, std::string_view what,
                       std::vector<T>& out, std::string& error) {
  out.clear();
  if (count == 0) return true;
  if (first == nullptr) {
    error = std::string(what) + ": a count of " + std::to_string(count) + " without an array";
    return false;
  }
  const std::size_t stride = plugin_struct_size(abi_minor, *first, what, error);
  if (stride == 0) return false;
  out.reserve(count);
  const auto* bytes = reinterpret_cast<const unsigned char*>(first);
  for (std::size_t i = 0; i < count; ++i) out.push_back(copy_prefix<T>(bytes + i * stride, stride));
  return true;
}

// A struct the host hands a plugin hook to fill ("out" in abi.h): zeroed,
// with struct_size set to the host's size, so the plugin writes only the
// fields this host has.
template <class T>
T out_struct() {
  T out{};
  out.struct_size = sizeof(T);
  return out;
}

}  // namespace dynop::host
