#include "lib/apimachinery/validation.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "lib/apimachinery/field_error_format.hpp"

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

constexpr std::string_view kQnameCharFmt = "[A-Za-z0-9]";
constexpr std::string_view kQnameExtCharFmt = "[-A-Za-z0-9_.]";
const std::string kQualifiedNameFmt = "(" + std::string(kQnameCharFmt) +
                                      std::string(kQnameExtCharFmt) + "*)?" +
                                      std::string(kQnameCharFmt);
constexpr std::string_view kQualifiedNameErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
const std::string kLabelValueFmt = "(" + kQualifiedNameFmt + ")?";
constexpr std::string_view kLabelValueErrMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kDns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDns1123LabelErrMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character";
const std::string kDns1123SubdomainFmt =
    std::string(kDns1123LabelFmt) + "(\\." + std::string(kDns1123LabelFmt) + ")*";
constexpr std::string_view kDns1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kDns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDns1035LabelErrMsg =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character";

std::string regex_error(std::string_view msg, std::string_view fmt,
                        std::initializer_list<std::string_view> examples) {
  std::string out(msg);
  if (examples.size() == 0) {
    out += " (regex used for validation is '";
    out += fmt;
    out += "')";
    return out;
  }
  out += " (e.g. ";
  bool first = true;
  for (auto e : examples) {
    if (!first) out += " or ";
    first = false;
    out += "'";
    out += e;
    out += "', ";
  }
  out += "regex used for validation is '";
  out += fmt;
  out += "')";
  return out;
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool matches_qualified_name(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool matches_dns1123_label(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '-') return false;
  }
  return true;
}

bool matches_dns1123_subdomain(std::string_view s) {
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (!matches_dns1123_label(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool matches_dns1035_label(std::string_view s) {
  return matches_dns1123_label(s) && s.front() >= 'a' && s.front() <= 'z';
}

std::string child(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  std::string out(path);
  out += '.';
  out += name;
  return out;
}

// generateName may end with '-': the server appends a random suffix.
std::string mask_trailing_dash(std::string_view name) {
  std::string out(name);
  if (out.size() > 1 && out.back() == '-') out.back() = 'a';
  return out;
}

}  // namespace

std::string max_len_error(size_t length) {
  return "must be no more than " + std::to_string(length) + " characters";
}

std::vector<std::string> is_qualified_name(std::string_view value) {
  std::vector<std::string> errs;
  std::string_view name;
  size_t slash = value.find('/');
  if (slash == std::string_view::npos) {
    name = value;
  } else if (value.find('/', slash + 1) != std::string_view::npos) {
    errs.push_back(
        "a qualified name " +
        regex_error(kQualifiedNameErrMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errs;
  } else {
    std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errs.push_back("prefix part must be non-empty");
    } else {
      for (auto& m : is_dns1123_subdomain(prefix)) errs.push_back("prefix part " + m);
    }
  }
  if (name.empty()) {
    errs.push_back("name part must be non-empty");
  } else if (name.size() > kQualifiedNameMaxLength) {
    errs.push_back("name part " + max_len_error(kQualifiedNameMaxLength));
  }
  if (!matches_qualified_name(name)) {
    errs.push_back("name part " + regex_error(kQualifiedNameErrMsg, kQualifiedNameFmt,
                                              {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> is_valid_label_value(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kLabelValueMaxLength) errs.push_back(max_len_error(kLabelValueMaxLength));
  if (!value.empty() && !matches_qualified_name(value)) {
    errs.push_back(
        regex_error(kLabelValueErrMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

std::vector<std::string> is_dns1123_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1123LabelMaxLength) errs.push_back(max_len_error(kDns1123LabelMaxLength));
  if (!matches_dns1123_label(value)) {
    errs.push_back(regex_error(kDns1123LabelErrMsg, kDns1123LabelFmt, {"my-name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> is_dns1123_subdomain(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1123SubdomainMaxLength) {
    errs.push_back(max_len_error(kDns1123SubdomainMaxLength));
  }
  if (!matches_dns1123_subdomain(value)) {
    errs.push_back(regex_error(kDns1123SubdomainErrMsg, kDns1123SubdomainFmt, {"example.com"}));
  }
  return errs;
}

std::vector<std::string> is_dns1035_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1035LabelMaxLength) errs.push_back(max_len_error(kDns1035LabelMaxLength));
  if (!matches_dns1035_label(value)) {
    errs.push_back(regex_error(kDns1035LabelErrMsg, kDns1035LabelFmt, {"my-name", "abc-123"}));
  }
  return errs;
}

std::vector<std::string> name_is_dns_subdomain(std::string_view name, bool prefix) {
  return prefix ? is_dns1123_subdomain(mask_trailing_dash(name)) : is_dns1123_subdomain(name);
}
std::vector<std::string> name_is_dns_label(std::string_view name, bool prefix) {
  return prefix ? is_dns1123_label(mask_trailing_dash(name)) : is_dns1123_label(name);
}
std::vector<std::string> name_is_dns1035_label(std::string_view name, bool prefix) {
  return prefix ? is_dns1035_label(mask_trailing_dash(name)) : is_dns1035_label(name);
}

std::vector<std::string> is_valid_path_segment_name(std::string_view name) {
  std::vector<std::string> errs;
  for (std::string_view illegal : {".", ".."}) {
    if (name == illegal) errs.push_back("may not be '" + std::string(illegal) + "'");
  }
  for (std::string_view illegal : {"/", "%"}) {
    if (name.find(illegal) != std::string_view::npos) {
      errs.push_back("may not contain '" + std::string(illegal) + "'");
    }
  }
  return errs;
}

FieldErrors validate_labels(const json::object& labels, std::string_view field_path) {
  FieldErrors errs;
  std::string path(field_path);
  for (const auto& kv : labels) {
    for (auto& m : is_qualified_name(kv.key())) {
      errs.push_back(invalid_error(path, render_bad_string(kv.key()), m));
    }
    if (!kv.value().is_string()) {
      errs.push_back(invalid_error(path, render_bad_value(kv.value()), "must be a string"));
      continue;
    }
    for (auto& m : is_valid_label_value(kv.value().get_string())) {
      errs.push_back(invalid_error(path, render_bad_value(kv.value()), m));
    }
  }
  return errs;
}

FieldErrors validate_annotations(const json::object& annotations, std::string_view field_path) {
  FieldErrors errs;
  std::string path(field_path);
  size_t total = 0;
  for (const auto& kv : annotations) {
    std::string lower(kv.key());
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    for (auto& m : is_qualified_name(lower)) {
      errs.push_back(invalid_error(path, render_bad_string(kv.key()), m));
    }
    total += kv.key().size();
    if (kv.value().is_string()) total += kv.value().get_string().size();
  }
  if (total > kTotalAnnotationSizeLimitBytes) {
    errs.push_back(too_long_error(path, kTotalAnnotationSizeLimitBytes));
  }
  return errs;
}

FieldErrors validate_owner_references(const json::array& refs, std::string_view field_path) {
  FieldErrors errs;
  std::string path(field_path);
  std::string controller_name;
  auto str = [](const json::object& o, std::string_view k) -> std::string {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  for (const auto& ref_value : refs) {
    if (!ref_value.is_object()) continue;
    const auto& ref = ref_value.get_object();
    std::string api_version = str(ref, "apiVersion");
    std::string kind = str(ref, "kind");
    std::string name = str(ref, "name");
    std::string uid = str(ref, "uid");
    // schema.FromAPIVersionAndKind: the version is what follows the last '/'.
    std::string version = api_version;
    if (auto slash = api_version.rfind('/'); slash != std::string::npos) {
      version = api_version.substr(slash + 1);
    }
    if (version.empty()) {
      errs.push_back(invalid_error(child(path, "apiVersion"), render_bad_string(api_version),
                                   "version must not be empty"));
    }
    if (kind.empty()) {
      errs.push_back(
          invalid_error(child(path, "kind"), render_bad_string(kind), "kind must not be empty"));
    }
    if (name.empty()) {
      errs.push_back(
          invalid_error(child(path, "name"), render_bad_string(name), "name must not be empty"));
    }
    if (uid.empty()) {
      errs.push_back(
          invalid_error(child(path, "uid"), render_bad_string(uid), "uid must not be empty"));
    }
    auto* controller = ref.if_contains("controller");
    if (controller && controller->is_bool() && controller->get_bool()) {
      std::string current = kind + "/" + name;
      if (!controller_name.empty()) {
        errs.push_back(invalid_error(path, render_bad_value(json::value(refs)),
                                     "Only one reference can have Controller set to true. Found "
                                     "\"true\" in references for " +
                                         controller_name + " and " + current));
      } else {
        controller_name = current;
      }
    }
  }
  return errs;
}

FieldErrors validate_finalizers(const json::array& finalizers, std::string_view field_path) {
  FieldErrors errs;
  std::string path(field_path);
  bool orphan = false;
  bool foreground = false;
  for (const auto& f : finalizers) {
    if (!f.is_string()) continue;
    std::string_view name = f.get_string();
    for (auto& m : is_qualified_name(name)) {
      errs.push_back(invalid_error(path, render_bad_string(name), m));
    }
    orphan = orphan || name == "orphan";
    foreground = foreground || name == "foregroundDeletion";
  }
  if (orphan && foreground) {
    errs.push_back(invalid_error(path, render_bad_value(json::value(finalizers)),
                                 "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return errs;
}

FieldErrors validate_object_meta(const json::object& metadata, bool requires_namespace,
                                 const NameValidator& name_fn, std::string_view field_path) {
  FieldErrors errs;
  std::string path(field_path);
  auto str = [&](std::string_view k) -> std::string_view {
    auto* v = metadata.if_contains(k);
    return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
  };
  std::string_view generate_name = str("generateName");
  if (!generate_name.empty()) {
    for (auto& m : name_fn(generate_name, true)) {
      errs.push_back(
          invalid_error(child(path, "generateName"), render_bad_string(generate_name), m));
    }
  }
  std::string_view name = str("name");
  if (name.empty()) {
    errs.push_back(required_error(child(path, "name"), "name or generateName is required"));
  } else {
    for (auto& m : name_fn(name, false)) {
      errs.push_back(invalid_error(child(path, "name"), render_bad_string(name), m));
    }
  }
  std::string_view ns = str("namespace");
  if (requires_namespace) {
    if (ns.empty()) {
      errs.push_back(required_error(child(path, "namespace")));
    } else {
      for (auto& m : name_is_dns_label(ns, false)) {
        errs.push_back(invalid_error(child(path, "namespace"), render_bad_string(ns), m));
      }
    }
  } else if (!ns.empty()) {
    errs.push_back(forbidden_error(child(path, "namespace"), "not allowed on this type"));
  }
  if (auto* g = metadata.if_contains("generation"); g && g->is_int64() && g->get_int64() < 0) {
    errs.push_back(invalid_error(child(path, "generation"), std::to_string(g->get_int64()),
                                 "must be greater than or equal to 0"));
  }
  auto append = [&](FieldErrors more) {
    errs.insert(errs.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
  };
  if (auto* v = metadata.if_contains("labels"); v && v->is_object()) {
    append(validate_labels(v->get_object(), child(path, "labels")));
  }
  if (auto* v = metadata.if_contains("annotations"); v && v->is_object()) {
    append(validate_annotations(v->get_object(), child(path, "annotations")));
  }
  if (auto* v = metadata.if_contains("ownerReferences"); v && v->is_array()) {
    append(validate_owner_references(v->get_array(), child(path, "ownerReferences")));
  }
  if (auto* v = metadata.if_contains("finalizers"); v && v->is_array()) {
    append(validate_finalizers(v->get_array(), child(path, "finalizers")));
  }
  return errs;
}

namespace {

// How kube prints a metav1.Time bad value: time.Time's String() in UTC.
std::string go_time_string(std::string_view rfc3339) {
  // "2026-11-28T00:44:39Z" -> "2026-11-28 00:44:39 +0000 UTC"
  if (rfc3339.size() < 20) return render_bad_string(rfc3339);
  std::string out(rfc3339.substr(0, 10));
  out += ' ';
  out += rfc3339.substr(11, 8);
  out += " +0000 UTC";
  return out;
}

const json::value* meta_field(const json::object& m, std::string_view k) {
  auto* v = m.if_contains(k);
  return v && !v->is_null() ? v : nullptr;
}

}  // namespace

FieldErrors validate_object_meta_update(const json::object& new_meta, const json::object& old_meta,
                                        std::string_view field_path) {
  FieldErrors errs;
  std::string path(field_path);
  auto str = [](const json::object& m, std::string_view k) -> std::string_view {
    auto* v = m.if_contains(k);
    return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
  };
  auto int_of = [](const json::object& m, std::string_view k) -> long long {
    auto* v = m.if_contains(k);
    if (v && v->is_int64()) return v->get_int64();
    if (v && v->is_uint64()) return static_cast<long long>(v->get_uint64());
    return 0;
  };
  auto strings_of = [](const json::object& m, std::string_view k) {
    std::vector<std::string> out;
    auto* v = m.if_contains(k);
    if (v && v->is_array()) {
      for (const auto& e : v->get_array()) {
        if (e.is_string()) out.emplace_back(e.get_string());
      }
    }
    return out;
  };

  if (meta_field(old_meta, "deletionTimestamp")) {
    auto old_f = strings_of(old_meta, "finalizers");
    std::vector<std::string> extra;
    for (auto& f : strings_of(new_meta, "finalizers")) {
      if (std::find(old_f.begin(), old_f.end(), f) == old_f.end() &&
          std::find(extra.begin(), extra.end(), f) == extra.end()) {
        extra.push_back(f);
      }
    }
    if (!extra.empty()) {
      std::sort(extra.begin(), extra.end());
      std::string list = "[]string{";
      for (size_t i = 0; i < extra.size(); ++i) {
        if (i) list += ", ";
        list += render_bad_string(extra[i]);
      }
      list += "}";
      errs.push_back(forbidden_error(
          child(path, "finalizers"),
          "no new finalizers can be added if the object is being deleted, found new finalizers " +
              list));
    }
  }
  if (str(new_meta, "resourceVersion").empty()) {
    errs.push_back(invalid_error(child(path, "resourceVersion"), render_bad_string(""),
                                 "must be specified for an update"));
  }
  if (int_of(new_meta, "generation") < int_of(old_meta, "generation")) {
    errs.push_back(invalid_error(child(path, "generation"),
                                 std::to_string(int_of(new_meta, "generation")),
                                 "must not be decremented"));
  }
  constexpr std::string_view kImmutable = "field is immutable";
  for (std::string_view k : {"name", "namespace", "uid"}) {
    if (str(new_meta, k) != str(old_meta, k)) {
      errs.push_back(invalid_error(child(path, k), render_bad_string(str(new_meta, k)),
                                   std::string(kImmutable)));
    }
  }
  for (std::string_view k : {"creationTimestamp", "deletionTimestamp"}) {
    const json::value* nv = meta_field(new_meta, k);
    const json::value* ov = meta_field(old_meta, k);
    bool same = (!nv && !ov) || (nv && ov && *nv == *ov);
    if (!same) {
      std::string shown;
      if (!nv) {
        shown = k == "deletionTimestamp" ? std::string("\"null\"")
                                         : go_time_string("0001-01-01T00:00:00Z");
      } else {
        shown = nv->is_string() ? go_time_string(nv->get_string()) : render_bad_value(*nv);
      }
      errs.push_back(invalid_error(child(path, k), shown, std::string(kImmutable)));
    }
  }
  {
    const json::value* nv = meta_field(new_meta, "deletionGracePeriodSeconds");
    const json::value* ov = meta_field(old_meta, "deletionGracePeriodSeconds");
    bool same = (!nv && !ov) || (nv && ov && *nv == *ov);
    if (!same) {
      errs.push_back(invalid_error(child(path, "deletionGracePeriodSeconds"),
                                   nv ? render_bad_value(*nv) : std::string("\"null\""),
                                   std::string(kImmutable)));
    }
  }
  auto append = [&](FieldErrors more) {
    errs.insert(errs.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
  };
  if (auto* v = new_meta.if_contains("labels"); v && v->is_object()) {
    append(validate_labels(v->get_object(), child(path, "labels")));
  }
  if (auto* v = new_meta.if_contains("annotations"); v && v->is_object()) {
    append(validate_annotations(v->get_object(), child(path, "annotations")));
  }
  if (auto* v = new_meta.if_contains("ownerReferences"); v && v->is_array()) {
    append(validate_owner_references(v->get_array(), child(path, "ownerReferences")));
  }
  return errs;
}

}  // namespace dynop::apimachinery
