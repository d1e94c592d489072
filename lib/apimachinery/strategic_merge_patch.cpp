#include "lib/apimachinery/strategic_merge_patch.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <utility>
#include <vector>

#include "lib/apimachinery/go_format.hpp"
#include "lib/apimachinery/json_equal.hpp"

namespace dynop::apimachinery {
namespace json = boost::json;

namespace {

constexpr std::string_view kDirective = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetElementOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_directive_key(std::string_view k) {
  return k == kDirective || k == kRetainKeys || starts_with(k, kSetElementOrder) ||
         starts_with(k, kDeleteFromPrimitiveList);
}

// A patch value taken over as is: kube drops null map entries
// (discardNullValuesFromPatch) and every map carrying `$patch`
// (removeDirectives); the other directive keys are dropped here too, because
// a JSON store (unlike kube's typed decoding) would otherwise keep them.
bool has_directive_marker(const json::value& v) {
  return v.is_object() && v.get_object().contains(kDirective);
}

void clean(json::value& v) {
  if (v.is_object()) {
    auto& o = v.get_object();
    for (auto it = o.begin(); it != o.end();) {
      if (is_directive_key(it->key()) || it->value().is_null() ||
          has_directive_marker(it->value())) {
        it = o.erase(it);
      } else {
        clean(it->value());
        ++it;
      }
    }
  } else if (v.is_array()) {
    auto& a = v.get_array();
    for (auto it = a.begin(); it != a.end();) {
      if (has_directive_marker(*it)) {
        it = a.erase(it);
      } else {
        clean(*it);
        ++it;
      }
    }
  }
}

json::value cleaned(json::value v) {
  clean(v);
  return v;
}

Error no_merge_key(const json::value& m, std::string_view key) {
  return Error{"map: " + go_sprint(m) +
               " does not contain declared merge key: " + std::string(key)};
}

Error bad_patch_type(const json::value& t, const json::value& m) {
  return Error{"unknown patch type: " + go_sprint(t) + " in map: " + go_sprint(m)};
}

Error bad_arg_type(std::string_view expected, const json::value& actual) {
  return Error{"expected a " + std::string(expected) + ", but received a " +
               std::string(go_type_name(actual))};
}

constexpr std::string_view kBadRetainKeys = "invalid patch format of retainKeys";

class Merger {
 public:
  explicit Merger(const PatchMetaRegistry& registry) : registry_(registry) {}

  Result<json::object> merge_map(json::object original, json::object patch,
                                 const std::string& type) {
    if (auto* d = patch.if_contains(kDirective)) {
      if (d->is_string() && d->get_string() == "replace") {
        patch.erase(kDirective);
        json::value v(std::move(patch));
        clean(v);
        return std::move(v.get_object());
      }
      if (d->is_string() && d->get_string() == "delete") return json::object();
      return bad_patch_type(*d, json::value(patch));
    }
    if (auto r = apply_retain_keys(original, patch); !r) return Error{r.error()};
    if (auto r = merge_set_element_order(original, patch, type); !r) return Error{r.error()};

    for (auto& kv : patch) {
      std::string key(kv.key());
      json::value& patch_v = kv.value();
      bool is_delete_list = false;
      if (starts_with(key, kDeleteFromPrimitiveList)) {
        is_delete_list = true;
        key = key.substr(kDeleteFromPrimitiveList.size());
      } else if (is_directive_key(key)) {
        continue;
      }
      if (patch_v.is_null()) {
        original.erase(key);
        continue;
      }
      auto it = original.find(key);
      if (it == original.end()) {
        if (!is_delete_list) original[key] = cleaned(std::move(patch_v));
        continue;
      }
      json::value& orig_v = it->value();
      bool same_kind =
          (orig_v.is_object() && patch_v.is_object()) || (orig_v.is_array() && patch_v.is_array());
      if (!same_kind) {
        if (!is_delete_list) orig_v = cleaned(std::move(patch_v));
        continue;
      }
      const PatchField* meta = registry_.field(type, key);
      PatchField none;
      if (!meta) meta = &none;
      if (orig_v.is_object()) {
        if (is_delete_list) continue;
        if (meta->replaces()) {
          orig_v = cleaned(std::move(patch_v));
          continue;
        }
        auto merged =
            merge_map(std::move(orig_v.get_object()), std::move(patch_v.get_object()), meta->type);
        if (!merged) return Error{merged.error()};
        orig_v = std::move(merged).value();
      } else {
        if (meta->merges() || is_delete_list) {
          auto merged = merge_slice(std::move(orig_v.get_array()), std::move(patch_v.get_array()),
                                    *meta, is_delete_list);
          if (!merged) return Error{merged.error()};
          orig_v = std::move(merged).value();
        } else {
          orig_v = cleaned(std::move(patch_v));
        }
      }
    }
    return original;
  }

 private:
  Result<void> apply_retain_keys(json::object& original, json::object& patch) {
    auto* retain = patch.if_contains(kRetainKeys);
    if (!retain) return {};
    if (!retain->is_array()) return Error{std::string(kBadRetainKeys)};
    std::vector<std::string> keep;
    for (const auto& k : retain->get_array()) {
      if (k.is_string()) keep.emplace_back(k.get_string());
    }
    patch.erase(kRetainKeys);
    // Every field the patch sets must be retained.
    for (const auto& kv : patch) {
      if (kv.value().is_null() || starts_with(kv.key(), kDeleteFromPrimitiveList) ||
          starts_with(kv.key(), kSetElementOrder)) {
        continue;
      }
      if (std::find(keep.begin(), keep.end(), std::string_view(kv.key())) == keep.end()) {
        return Error{std::string(kBadRetainKeys)};
      }
    }
    for (auto it = original.begin(); it != original.end();) {
      if (std::find(keep.begin(), keep.end(), std::string_view(it->key())) == keep.end()) {
        it = original.erase(it);
      } else {
        ++it;
      }
    }
    return {};
  }

  // mergePatchIntoOriginal: lists with a $setElementOrder are merged here and
  // then put in the requested order; both keys leave the patch.
  Result<void> merge_set_element_order(json::object& original, json::object& patch,
                                       const std::string& type) {
    std::vector<std::string> order_keys;
    for (const auto& kv : patch) {
      if (starts_with(kv.key(), kSetElementOrder)) order_keys.emplace_back(kv.key());
    }
    for (const auto& order_key : order_keys) {
      json::value order_v = std::move(patch[order_key]);
      patch.erase(order_key);
      if (!order_v.is_array()) return bad_arg_type("[]interface {}", order_v);
      const json::array& order = order_v.get_array();
      std::string key = order_key.substr(kSetElementOrder.size());
      json::value* orig_list = original.if_contains(key);
      json::value* patch_list = patch.if_contains(key);
      if (orig_list && !orig_list->is_array()) orig_list = nullptr;
      if (patch_list && !patch_list->is_array()) return bad_arg_type("[]interface {}", *patch_list);
      const PatchField* meta = registry_.field(type, key);
      PatchField none;
      if (!meta) meta = &none;
      if (patch_list) {
        if (auto v = validate_order(patch_list->get_array(), order, meta->merge_key); !v) {
          return v;
        }
      }
      json::array original_items = orig_list ? orig_list->get_array() : json::array();
      json::array merged;
      if (orig_list && !patch_list) {
        merged = original_items;
      } else if (!orig_list && patch_list) {
        merged = cleaned(*patch_list).get_array();
      } else if (orig_list && patch_list) {
        if (meta->merges()) {
          auto m = merge_slice(orig_list->get_array(), patch_list->get_array(), *meta, false);
          if (!m) return Error{m.error()};
          merged = std::move(m).value();
        } else {
          merged = cleaned(*patch_list).get_array();
        }
      } else {
        continue;
      }
      bool is_map = false;
      for (const auto* l : {&original_items, &merged}) {
        if (!l->empty()) {
          is_map = l->front().is_object();
          break;
        }
      }
      json::array patch_items, server_only;
      for (auto& item : merged) {
        bool present =
            index_of(order, item, meta->merge_key, is_map && !meta->merge_key.empty()) >= 0;
        (present ? patch_items : server_only).push_back(item);
      }
      auto both = normalize_element_order(std::move(patch_items), std::move(server_only), order,
                                          original_items, meta->merge_key,
                                          is_map && !meta->merge_key.empty());
      if (!both) return Error{both.error()};
      original[key] = std::move(both).value();
      patch.erase(key);
    }
    return {};
  }

  // validatePatchWithSetOrderList: the patch list's items must appear in the
  // $setElementOrder list, in the same relative order.
  static Result<void> validate_order(const json::array& patch_list, const json::array& order,
                                     const std::string& merge_key) {
    if (order.empty() || patch_list.empty()) return {};
    json::array non_delete;
    for (const auto& v : patch_list) {
      if (!merge_key.empty()) {
        auto* d = v.is_object() ? v.get_object().if_contains(kDirective) : nullptr;
        if (d && d->is_string() && d->get_string() == "delete") continue;
      }
      non_delete.push_back(v);
    }
    size_t pi = 0, oi = 0;
    while (pi < non_delete.size() && oi < order.size()) {
      if (has_directive_marker(non_delete[pi])) {
        ++pi;
        continue;
      }
      bool equal;
      if (merge_key.empty()) {
        equal = json_equal(non_delete[pi], order[oi]);
      } else {
        if (!non_delete[pi].is_object())
          return bad_arg_type("map[string]interface {}", non_delete[pi]);
        if (!order[oi].is_object()) return bad_arg_type("map[string]interface {}", order[oi]);
        auto* l = non_delete[pi].get_object().if_contains(merge_key);
        if (!l) return no_merge_key(non_delete[pi], merge_key);
        auto* r = order[oi].get_object().if_contains(merge_key);
        if (!r) return no_merge_key(order[oi], merge_key);
        equal = json_equal(*l, *r);
      }
      if (equal) ++pi;
      ++oi;
    }
    if (pi < non_delete.size() && oi >= order.size()) {
      return Error{"the order in patch list:\n" + go_sprint(json::value(patch_list)) +
                   "\n doesn't match $setElementOrder list:\n" + go_sprint(json::value(order))};
    }
    return {};
  }

  Result<json::array> merge_slice(json::array original, json::array patch, const PatchField& meta,
                                  bool is_delete_list) {
    if (original.empty() && patch.empty()) return original;
    const json::value* first = nullptr;
    for (const auto* l : {&original, &patch}) {
      for (const auto& v : *l) {
        if (v.is_array()) return Error{"lists of lists are not supported"};
        if (!first) first = &v;
      }
    }
    bool is_map = first && first->is_object();
    json::array merged;
    if (!is_map) {
      if (is_delete_list) {
        json::array out;
        for (auto& v : original) {
          bool drop = false;
          for (const auto& p : patch) drop = drop || json_equal(v, p);
          if (!drop) out.push_back(std::move(v));
        }
        return out;
      }
      for (const auto* l : {&original, &patch}) {
        for (const auto& v : *l) {
          bool dup = false;
          for (const auto& m : merged) dup = dup || json_equal(m, v);
          if (!dup) merged.push_back(v);
        }
      }
    } else {
      if (meta.merge_key.empty()) {
        return Error{"cannot merge lists without merge key for " +
                     (meta.type.empty() ? std::string("list") : meta.type)};
      }
      auto special =
          merge_slice_with_special_elements(std::move(original), std::move(patch), meta.merge_key);
      if (!special) return Error{special.error()};
      original = std::move(special->first);
      patch = std::move(special->second);
      // mergeSliceWithoutSpecialElements
      merged = original;
      for (auto& pv : patch) {
        if (!pv.is_object()) return Error{"list elements must all be objects"};
        auto* mv = pv.get_object().if_contains(meta.merge_key);
        if (!mv) return no_merge_key(pv, meta.merge_key);
        bool found = false;
        for (auto& ov : merged) {
          if (!ov.is_object()) continue;
          auto* omv = ov.get_object().if_contains(meta.merge_key);
          if (omv && json_equal(*omv, *mv)) {
            auto m = merge_map(std::move(ov.get_object()), pv.get_object(), meta.type);
            if (!m) return Error{m.error()};
            ov = std::move(m).value();
            found = true;
            break;
          }
        }
        if (!found) merged.push_back(cleaned(pv));
      }
    }
    const std::string& key = is_map ? meta.merge_key : std::string();
    json::array patch_items, server_only;
    for (auto& item : merged) {
      bool present = index_of(patch, item, key, is_map) >= 0;
      (present ? patch_items : server_only).push_back(item);
    }
    return normalize_element_order(std::move(patch_items), std::move(server_only), patch, original,
                                   key, is_map);
  }

  // Applies `$patch: delete` / `$patch: replace` list elements.
  Result<std::pair<json::array, json::array>> merge_slice_with_special_elements(
      json::array original, json::array patch, const std::string& merge_key) {
    json::array without;
    bool replace = false;
    for (auto& v : patch) {
      if (!v.is_object()) return Error{"list elements must all be objects"};
      auto* d = v.get_object().if_contains(kDirective);
      if (!d) {
        without.push_back(std::move(v));
        continue;
      }
      if (d->is_string() && d->get_string() == "delete") {
        auto* mv = v.get_object().if_contains(merge_key);
        if (!mv) return no_merge_key(v, merge_key);
        delete_matching(original, merge_key, *mv);
      } else if (d->is_string() && d->get_string() == "replace") {
        replace = true;
      } else if (d->is_string() && d->get_string() == "merge") {
        return Error{"merging lists cannot yet be specified in the patch"};
      } else {
        return bad_patch_type(*d, v);
      }
    }
    if (replace) {
      for (auto& v : without) clean(v);
      return std::make_pair(std::move(without), json::array());
    }
    return std::make_pair(std::move(original), std::move(without));
  }

  static void delete_matching(json::array& list, const std::string& merge_key,
                              const json::value& value) {
    for (auto it = list.begin(); it != list.end();) {
      const json::value* mv = it->is_object() ? it->get_object().if_contains(merge_key) : nullptr;
      if (mv && json_equal(*mv, value)) {
        it = list.erase(it);
      } else {
        ++it;
      }
    }
  }

  static long index_of(const json::array& list, const json::value& v, const std::string& merge_key,
                       bool is_map) {
    if (is_map) {
      const json::value* key = v.is_object() ? v.get_object().if_contains(merge_key) : nullptr;
      if (!key) return -1;
      for (size_t i = 0; i < list.size(); ++i) {
        const json::value* k =
            list[i].is_object() ? list[i].get_object().if_contains(merge_key) : nullptr;
        if (k && json_equal(*k, *key)) return static_cast<long>(i);
      }
      return -1;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (json_equal(list[i], v)) return static_cast<long>(i);
    }
    return -1;
  }

  // normalizeSliceOrder: sort by `order` (sort.SliceStable's insertion sort
  // with kube's comparator), then drop entries `order` marks `$patch: delete`.
  static Result<json::array> normalize_slice_order(json::array to_sort, const json::array& order,
                                                   const std::string& merge_key, bool is_map) {
    json::array to_delete;
    if (is_map) {
      for (const json::array* l : {static_cast<const json::array*>(&to_sort), &order}) {
        for (const auto& v : *l) {
          if (!v.is_object() || !v.get_object().contains(merge_key)) {
            return no_merge_key(v, merge_key);
          }
        }
      }
      for (const auto& v : order) {
        auto* d = v.get_object().if_contains(kDirective);
        if (d && d->is_string() && d->get_string() == "delete") to_delete.push_back(v);
      }
    }
    auto less = [&](size_t i, size_t j) {
      long ii = index_of(order, to_sort[i], merge_key, is_map);
      if (ii >= 0) {
        long ij = index_of(order, to_sort[j], merge_key, is_map);
        if (ij >= 0) return ii < ij;
      }
      return true;
    };
    for (size_t i = 1; i < to_sort.size(); ++i) {
      for (size_t j = i; j > 0 && less(j, j - 1); --j) std::swap(to_sort[j], to_sort[j - 1]);
    }
    for (const auto& d : to_delete) {
      delete_matching(to_sort, merge_key, *d.get_object().if_contains(merge_key));
    }
    return to_sort;
  }

  // normalizeElementOrder + mergeSortedSlice.
  static Result<json::array> normalize_element_order(json::array patch_items,
                                                     json::array server_only,
                                                     const json::array& patch_order,
                                                     const json::array& server_order,
                                                     const std::string& merge_key, bool is_map) {
    auto p = normalize_slice_order(std::move(patch_items), patch_order, merge_key, is_map);
    if (!p) return p;
    auto s = normalize_slice_order(std::move(server_only), server_order, merge_key, is_map);
    if (!s) return s;
    const json::array& left = *s;
    const json::array& right = *p;
    json::array out;
    out.reserve(left.size() + right.size());
    size_t i = 0, j = 0;
    while (i < left.size() || j < right.size()) {
      if (i >= left.size()) {
        out.push_back(right[j++]);
      } else if (j >= right.size()) {
        out.push_back(left[i++]);
      } else {
        long li = index_of(server_order, left[i], merge_key, is_map);
        long ri = index_of(server_order, right[j], merge_key, is_map);
        if (li >= 0 && ri >= 0 && li < ri) {
          out.push_back(left[i++]);
        } else {
          out.push_back(right[j++]);
        }
      }
    }
    return out;
  }

  const PatchMetaRegistry& registry_;
};

}  // namespace

Result<json::value> strategic_merge_patch_for_type(const json::value& original,
                                                   const json::value& patch,
                                                   std::string_view root_type,
                                                   const PatchMetaRegistry& registry) {
  if (!patch.is_object()) {
    return Error{"json: cannot unmarshal " + std::string(patch.is_array() ? "array" : "value") +
                 " into Go value of type map[string]interface {}"};
  }
  json::object base = original.is_object() ? original.get_object() : json::object();
  Merger m(registry);
  auto r = m.merge_map(std::move(base), patch.get_object(), std::string(root_type));
  if (!r) return Error{r.error()};
  return json::value(std::move(r).value());
}

Result<json::value> strategic_merge_patch(const json::value& original, const json::value& patch,
                                          std::string_view kind,
                                          const PatchMetaRegistry& registry) {
  auto root = registry.root_type(kind);
  if (!root) {
    return Error{"strategic merge patch is not supported for kind " + std::string(kind)};
  }
  return strategic_merge_patch_for_type(original, patch, *root, registry);
}

}  // namespace dynop::apimachinery
