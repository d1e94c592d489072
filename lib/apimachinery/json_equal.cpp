#include "lib/apimachinery/json_equal.hpp"

namespace dynop::apimachinery {
namespace json = boost::json;

namespace {
bool is_number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }
}  // namespace

bool json_equal(const json::value& a, const json::value& b) {
  if (is_number(a) && is_number(b)) {
    if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
    if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
    if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
    const json::value& s = a.is_int64() ? a : b;
    const json::value& u = a.is_int64() ? b : a;
    return s.get_int64() >= 0 && static_cast<uint64_t>(s.get_int64()) == u.get_uint64();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::object: {
      const auto& oa = a.get_object();
      const auto& ob = b.get_object();
      if (oa.size() != ob.size()) return false;
      for (const auto& kv : oa) {
        auto* other = ob.if_contains(kv.key());
        if (!other || !json_equal(kv.value(), *other)) return false;
      }
      return true;
    }
    case json::kind::array: {
      const auto& aa = a.get_array();
      const auto& ab = b.get_array();
      if (aa.size() != ab.size()) return false;
      for (size_t i = 0; i < aa.size(); ++i) {
        if (!json_equal(aa[i], ab[i])) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

}  // namespace dynop::apimachinery
