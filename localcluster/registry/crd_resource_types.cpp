#include "localcluster/registry/crd_resource_types.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <regex>
#include <set>

#include "lib/apimachinery/validation.hpp"
#include "localcluster/schema/structural_schema.hpp"

namespace dynop::localcluster {
namespace {

namespace json = boost::json;
using apimachinery::FieldError;
using apimachinery::FieldErrors;
using apimachinery::FieldErrorType;

const char* const kCrdVerbs[] = {"delete", "deletecollection", "get",    "list",
                                 "patch",  "create",           "update", "watch"};

std::string str(const json::value* v) {
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string str_at(const json::object& o, std::string_view key) { return str(o.if_contains(key)); }

const json::object& obj_at(const json::object& o, std::string_view key) {
  static const json::object kEmpty;
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? v->get_object() : kEmpty;
}

const json::array& arr_at(const json::object& o, std::string_view key) {
  static const json::array kEmpty;
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? v->get_array() : kEmpty;
}

std::string quote(const std::string& s) { return "\"" + s + "\""; }

// kube joins a validator's messages with ",".
std::string joined(const std::vector<std::string>& messages) {
  std::string out;
  for (const auto& m : messages) out += (out.empty() ? "" : ",") + m;
  return out;
}

std::string dns1035_problems(const std::string& s) {
  return joined(apimachinery::is_dns1035_label(s));
}

std::string dns1123_subdomain_problems(const std::string& s) {
  return joined(apimachinery::is_dns1123_subdomain(s));
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Structural schema rules kube enforces on CRDs (a subset: the ones a
// hand-written CRD trips over).
void check_structural(const json::value& node, const std::string& path, bool is_root,
                      FieldErrors& errors) {
  if (!node.is_object()) return;
  const auto& o = node.get_object();
  if (o.contains("$ref")) {
    errors.push_back({FieldErrorType::kForbidden, path + ".$ref", "", "$ref is not supported"});
  }
  const bool has_type = !str_at(o, "type").empty();
  const bool int_or_string = o.contains("x-kubernetes-int-or-string");
  const bool preserve = o.contains("x-kubernetes-preserve-unknown-fields");
  if (!has_type && !int_or_string && !(preserve && !is_root)) {
    errors.push_back({FieldErrorType::kRequired, path + ".type", "",
                      is_root ? "must not be empty at the root"
                              : "must not be empty for specified object fields"});
  }
  for (const auto& [k, v] : obj_at(o, "properties")) {
    check_structural(v, path + ".properties[" + std::string(k) + "]", false, errors);
  }
  if (const auto* items = o.if_contains("items"))
    check_structural(*items, path + ".items", false, errors);
  if (const auto* ap = o.if_contains("additionalProperties"); ap != nullptr && ap->is_object()) {
    check_structural(*ap, path + ".additionalProperties", false, errors);
  }
}

int version_kind_rank(const std::string& v, long& major, long& minor) {
  static const std::regex kRe("^v([0-9]+)(?:(alpha|beta)([0-9]+))?$");
  std::smatch m;
  if (!std::regex_match(v, m, kRe)) return 3;
  major = std::stol(m[1]);
  minor = m[3].matched ? std::stol(m[3]) : 0;
  if (!m[2].matched) return 0;
  return m[2] == "beta" ? 1 : 2;
}

}  // namespace

bool kube_version_less(const std::string& a, const std::string& b) {
  long amaj = 0, amin = 0, bmaj = 0, bmin = 0;
  const int ar = version_kind_rank(a, amaj, amin);
  const int br = version_kind_rank(b, bmaj, bmin);
  if (ar != br) return ar < br;
  if (ar == 3) return a < b;
  if (amaj != bmaj) return amaj > bmaj;
  return amin > bmin;
}

void default_crd(boost::json::value& crd) {
  auto* root = crd.if_object();
  if (root == nullptr) return;
  auto* spec = root->if_contains("spec");
  if (spec == nullptr || !spec->is_object()) return;
  auto& names_v = spec->get_object()["names"];
  if (!names_v.is_object()) return;
  auto& names = names_v.get_object();
  const std::string kind = str_at(names, "kind");
  if (str_at(names, "singular").empty() && !kind.empty()) names["singular"] = lower(kind);
  if (str_at(names, "listKind").empty() && !kind.empty()) names["listKind"] = kind + "List";
  auto& s = spec->get_object();
  if (!s.contains("conversion")) s["conversion"] = json::object{{"strategy", "None"}};
}

apimachinery::FieldErrors validate_crd(const boost::json::value& crd) {
  FieldErrors errors;
  if (!crd.is_object()) {
    errors.push_back({FieldErrorType::kInvalid, "<nil>", "\"\"", "must be an object"});
    return errors;
  }
  const auto& root = crd.get_object();
  const auto& spec = obj_at(root, "spec");
  const auto& names = obj_at(spec, "names");
  const std::string group = str_at(spec, "group");
  const std::string plural = str_at(names, "plural");
  const std::string name = str_at(obj_at(root, "metadata"), "name");

  std::string name_problems = dns1123_subdomain_problems(name);
  if (name != plural + "." + group) {
    name_problems += (name_problems.empty() ? "" : ", ") +
                     std::string("must be spec.names.plural+\".\"+spec.group");
  }
  if (!name.empty() && !name_problems.empty()) {
    errors.push_back({FieldErrorType::kInvalid, "metadata.name", quote(name), name_problems});
  }

  if (group.empty()) {
    errors.push_back({FieldErrorType::kRequired, "spec.group", "", ""});
  } else if (auto p = dns1123_subdomain_problems(group); !p.empty()) {
    errors.push_back({FieldErrorType::kInvalid, "spec.group", quote(group), p});
  } else if (group.find('.') == std::string::npos) {
    errors.push_back({FieldErrorType::kInvalid, "spec.group", quote(group),
                      "should be a domain with at least one dot"});
  }

  const std::string scope = str_at(spec, "scope");
  if (scope.empty()) {
    errors.push_back({FieldErrorType::kRequired, "spec.scope", "", ""});
  } else if (scope != "Cluster" && scope != "Namespaced") {
    errors.push_back({FieldErrorType::kNotSupported, "spec.scope", quote(scope),
                      "supported values: \"Cluster\", \"Namespaced\""});
  }

  const auto& versions = arr_at(spec, "versions");
  int storage = 0;
  int served = 0;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const std::string vpath = "spec.versions[" + std::to_string(i) + "]";
    if (!versions[i].is_object()) continue;
    const auto& v = versions[i].get_object();
    const std::string vname = str_at(v, "name");
    if (vname.empty()) {
      errors.push_back({FieldErrorType::kRequired, vpath + ".name", "", ""});
    } else if (auto p = dns1035_problems(vname); !p.empty()) {
      errors.push_back({FieldErrorType::kInvalid, vpath + ".name", quote(vname), p});
    } else if (!seen.insert(vname).second) {
      errors.push_back({FieldErrorType::kInvalid, "spec.versions",
                        "[]apiextensions.CustomResourceDefinitionVersion{...}",
                        "must contain unique version names"});
    }
    if (const auto* st = v.if_contains("storage"); st != nullptr && st->is_bool() && st->get_bool())
      ++storage;
    if (const auto* sv = v.if_contains("served"); sv != nullptr && sv->is_bool() && sv->get_bool())
      ++served;
    const auto* schema = obj_at(v, "schema").if_contains("openAPIV3Schema");
    if (schema == nullptr) {
      errors.push_back({FieldErrorType::kRequired, vpath + ".schema.openAPIV3Schema", "",
                        "schemas are required"});
    } else {
      check_structural(*schema, vpath + ".schema.openAPIV3Schema", true, errors);
      auto compiled = schema::compile(*schema);
      if (!compiled.schema && compiled.error.find("pattern") != std::string::npos) {
        errors.push_back({FieldErrorType::kInvalid, vpath + ".schema", "\"\"", compiled.error});
      }
    }
    if (const auto* scale = obj_at(v, "subresources").if_contains("scale");
        scale != nullptr && scale->is_object()) {
      const auto& sc = scale->get_object();
      for (const char* key : {"specReplicasPath", "statusReplicasPath"}) {
        const std::string p = str_at(sc, key);
        const std::string fp = vpath + ".subresources.scale." + key;
        if (p.empty()) {
          errors.push_back({FieldErrorType::kRequired, fp, "", ""});
        } else if (p.rfind(".spec.", 0) != 0 && p.rfind(".status.", 0) != 0) {
          errors.push_back(
              {FieldErrorType::kInvalid, fp, quote(p),
               std::string("should be a json path under either `.spec` or `.status`")});
        }
      }
    }
  }
  if (versions.empty()) {
    errors.push_back({FieldErrorType::kRequired, "spec.versions", "",
                      "must have exactly one version marked as storage version"});
  } else if (storage != 1) {
    errors.push_back({FieldErrorType::kInvalid, "spec.versions",
                      "[]apiextensions.CustomResourceDefinitionVersion{...}",
                      "must have exactly one version marked as storage version"});
  }
  if (!versions.empty() && served == 0) {
    errors.push_back({FieldErrorType::kInvalid, "spec.versions",
                      "[]apiextensions.CustomResourceDefinitionVersion{...}",
                      "must have at least one version served"});
  }

  if (plural.empty()) {
    errors.push_back({FieldErrorType::kRequired, "spec.names.plural", "", ""});
  } else if (auto p = dns1035_problems(plural); !p.empty()) {
    errors.push_back({FieldErrorType::kInvalid, "spec.names.plural", quote(plural), p});
  }
  const std::string singular = str_at(names, "singular");
  if (!singular.empty()) {
    if (auto p = dns1035_problems(singular); !p.empty())
      errors.push_back({FieldErrorType::kInvalid, "spec.names.singular", quote(singular), p});
  }
  const std::string kind = str_at(names, "kind");
  if (kind.empty()) {
    errors.push_back({FieldErrorType::kRequired, "spec.names.kind", "", ""});
  } else if (auto p = dns1035_problems(lower(kind)); !p.empty()) {
    errors.push_back({FieldErrorType::kInvalid, "spec.names.kind", quote(kind),
                      "may have mixed case, but should otherwise match: " + p});
  }
  const std::string list_kind = str_at(names, "listKind");
  if (!list_kind.empty()) {
    if (auto p = dns1035_problems(lower(list_kind)); !p.empty()) {
      errors.push_back({FieldErrorType::kInvalid, "spec.names.listKind", quote(list_kind),
                        "may have mixed case, but should otherwise match: " + p});
    } else if (list_kind == kind) {
      errors.push_back({FieldErrorType::kInvalid, "spec.names.listKind", quote(list_kind),
                        "kind and listKind may not be the same"});
    }
  }
  const auto& short_names = arr_at(names, "shortNames");
  for (std::size_t i = 0; i < short_names.size(); ++i) {
    const std::string s = str(&short_names[i]);
    if (auto p = dns1035_problems(s); !p.empty()) {
      errors.push_back({FieldErrorType::kInvalid,
                        "spec.names.shortNames[" + std::to_string(i) + "]", quote(s), p});
    }
  }
  const auto& categories = arr_at(names, "categories");
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const std::string s = str(&categories[i]);
    if (auto p = dns1035_problems(s); !p.empty()) {
      errors.push_back({FieldErrorType::kInvalid,
                        "spec.names.categories[" + std::to_string(i) + "]", quote(s), p});
    }
  }
  return errors;
}

std::vector<ResourceType> resource_types_from_crd(const boost::json::value& crd) {
  std::vector<ResourceType> out;
  if (!crd.is_object()) return out;
  const auto& root = crd.get_object();
  const auto& spec = obj_at(root, "spec");
  const auto& names = obj_at(spec, "names");
  std::string storage_version;
  for (const auto& v : arr_at(spec, "versions")) {
    if (!v.is_object()) continue;
    const auto* st = v.get_object().if_contains("storage");
    if (st != nullptr && st->is_bool() && st->get_bool())
      storage_version = str_at(v.get_object(), "name");
  }
  for (const auto& vv : arr_at(spec, "versions")) {
    if (!vv.is_object()) continue;
    const auto& v = vv.get_object();
    const auto* served = v.if_contains("served");
    if (served == nullptr || !served->is_bool() || !served->get_bool()) continue;
    ResourceType t;
    t.group = str_at(spec, "group");
    t.version = str_at(v, "name");
    t.kind = str_at(names, "kind");
    t.list_kind = str_at(names, "listKind");
    if (t.list_kind.empty()) t.list_kind = t.kind + "List";
    t.plural = str_at(names, "plural");
    t.singular = str_at(names, "singular");
    if (t.singular.empty()) t.singular = lower(t.kind);
    for (const auto& s : arr_at(names, "shortNames")) t.short_names.push_back(str(&s));
    for (const auto& s : arr_at(names, "categories")) t.categories.push_back(str(&s));
    t.namespaced = str_at(spec, "scope") != "Cluster";
    t.verbs.assign(std::begin(kCrdVerbs), std::end(kCrdVerbs));
    const auto& sub = obj_at(v, "subresources");
    t.has_status_subresource = sub.contains("status");
    if (const auto* scale = sub.if_contains("scale"); scale != nullptr && scale->is_object()) {
      const auto& sc = scale->get_object();
      t.scale = ScaleSubresource{str_at(sc, "specReplicasPath"), str_at(sc, "statusReplicasPath"),
                                 str_at(sc, "labelSelectorPath")};
    }
    for (const auto& c : arr_at(v, "additionalPrinterColumns")) {
      if (!c.is_object()) continue;
      const auto& co = c.get_object();
      PrinterColumn pc;
      pc.name = str_at(co, "name");
      pc.type = str_at(co, "type");
      pc.format = str_at(co, "format");
      pc.description = str_at(co, "description");
      pc.json_path = str_at(co, "jsonPath");
      if (const auto* pr = co.if_contains("priority"); pr != nullptr && pr->is_number()) {
        pc.priority = pr->to_number<int>();
      }
      t.printer_columns.push_back(std::move(pc));
    }
    if (const auto* schema = obj_at(v, "schema").if_contains("openAPIV3Schema")) {
      t.schema = std::make_shared<const json::value>(*schema);
      t.structural_schema = schema::compile(*schema).schema;
    }
    t.crd_name = str_at(obj_at(root, "metadata"), "name");
    t.storage_version = storage_version;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace dynop::localcluster
