#include "localcluster/openapi/openapi_documents.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <set>

#include "localcluster/discovery/content_hash.hpp"

namespace dynop::localcluster::openapi {
namespace {

namespace json = boost::json;
using TypePtr = std::shared_ptr<const ResourceType>;

constexpr char kMeta[] = "io.k8s.apimachinery.pkg.apis.meta.v1.";

using discovery::sha512_hex_upper;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// Group name as kube's OpenAPI builder uses it: ".k8s.io" dropped.
std::vector<std::string> group_parts(const std::string& group) {
  std::string g = group;
  const std::string suffix = ".k8s.io";
  if (g.size() > suffix.size() && g.compare(g.size() - suffix.size(), suffix.size(), suffix) == 0) {
    g.resize(g.size() - suffix.size());
  }
  if (g.empty()) return {"core"};
  std::vector<std::string> parts;
  for (auto& p : split(g, '.'))
    for (auto& q : split(p, '-')) parts.push_back(q);
  return parts;
}

// "NvidiaComV1alpha1", "CoreV1", "CoordinationV1"
std::string gv_pascal(const ResourceType& t) {
  std::string out;
  for (const auto& p : group_parts(t.group)) out += capitalize(p);
  return out + capitalize(t.version);
}

// "nvidiaCom_v1alpha1", "core_v1"
std::string tag_of(const ResourceType& t) {
  std::string out;
  bool first = true;
  for (const auto& p : group_parts(t.group)) {
    out += first ? p : capitalize(p);
    first = false;
  }
  return out + "_" + t.version;
}

// Component name prefix: "com.nvidia.v1alpha1", "io.k8s.api.core.v1".
std::string schema_prefix(const std::string& group, const std::string& version) {
  if (group.empty()) return "io.k8s.api.core." + version;
  if (group == "apiextensions.k8s.io") {
    return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + version;
  }
  const std::string suffix = ".k8s.io";
  if (group.size() > suffix.size() &&
      group.compare(group.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return "io.k8s.api." + group.substr(0, group.size() - suffix.size()) + "." + version;
  }
  if (group.find('.') == std::string::npos) return "io.k8s.api." + group + "." + version;
  auto parts = split(group, '.');
  std::reverse(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ".") + p;
  return out + "." + version;
}

std::string ref(const std::string& name) { return "#/components/schemas/" + name; }

json::object ref_schema(const std::string& name) { return json::object{{"$ref", ref(name)}}; }

json::object gvk(const std::string& group, const std::string& version, const std::string& kind) {
  return json::object{{"group", group}, {"version", version}, {"kind", kind}};
}

const char* param_description(const std::string& name) {
  static const std::map<std::string, const char*> kText = {
      {"allowWatchBookmarks",
       "allowWatchBookmarks requests watch events with type \"BOOKMARK\". Servers that do not "
       "implement bookmarks may ignore this flag and bookmarks are sent at the server's "
       "discretion. Clients should not assume bookmarks are returned at any specific interval, nor "
       "may they assume the server will send any BOOKMARK event during a session. If this is not a "
       "watch, this field is ignored."},
      {"continue",
       "The continue option should be set when retrieving more results from the server. Since this "
       "value is server defined, clients may only use the continue value from a previous query "
       "result with identical query parameters (except for the value of continue) and the server "
       "may reject a continue value it does not recognize."},
      {"dryRun",
       "When present, indicates that modifications should not be persisted. An invalid or "
       "unrecognized dryRun directive will result in an error response and no further processing "
       "of the request. Valid values are: - All: all dry run stages will be processed"},
      {"fieldManager",
       "fieldManager is a name associated with the actor or entity that is making these changes. "
       "The value must be less than or 128 characters long, and only contain printable characters, "
       "as defined by https://golang.org/pkg/unicode/#IsPrint."},
      {"fieldSelector",
       "A selector to restrict the list of returned objects by their fields. Defaults to "
       "everything."},
      {"fieldValidation",
       "fieldValidation instructs the server on how to handle objects in the request "
       "(POST/PUT/PATCH) containing unknown or duplicate fields, provided that the "
       "`ServerSideFieldValidation` feature gate is also enabled. Valid values are: - Ignore: This "
       "will ignore any unknown fields that are silently dropped from the object, and will ignore "
       "all but the last duplicate field that the decoder encounters. This is the default behavior "
       "prior to v1.23 and is the default behavior when the `ServerSideFieldValidation` feature "
       "gate is disabled. - Warn: This will send a warning via the standard warning response "
       "header for each unknown field that is dropped from the object, and for each duplicate "
       "field that is encountered. The request will still succeed if there are no other errors, "
       "and will only persist the last of any duplicate fields. This is the default when the "
       "`ServerSideFieldValidation` feature gate is enabled. - Strict: This will fail the request "
       "with a BadRequest error if any unknown fields would be dropped from the object, or if any "
       "duplicate fields are present. The error returned from the server will contain all unknown "
       "and duplicate fields encountered."},
      {"force",
       "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting "
       "fields owned by other people. Force flag must be unset for non-apply patch requests."},
      {"gracePeriodSeconds",
       "The duration in seconds before the object should be deleted. Value must be non-negative "
       "integer. The value zero indicates delete immediately. If this value is nil, the default "
       "grace period for the specified type will be used. Defaults to a per object value if not "
       "specified. zero means delete immediately."},
      {"labelSelector",
       "A selector to restrict the list of returned objects by their labels. Defaults to "
       "everything."},
      {"limit",
       "limit is a maximum number of responses to return for a list call. If more items exist, the "
       "server will set the `continue` field on the list metadata to a value that can be used with "
       "the same initial query to retrieve the next set of results."},
      {"orphanDependents",
       "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should "
       "the dependent objects be orphaned. If true/false, the \"orphan\" finalizer will be added "
       "to/removed from the object's finalizers list. Either this field or PropagationPolicy may "
       "be set, but not both."},
      {"pretty", "If 'true', then the output is pretty printed."},
      {"propagationPolicy",
       "Whether and how garbage collection will be performed. Either this field or "
       "OrphanDependents may be set, but not both. The default policy is decided by the existing "
       "finalizer set in the metadata.finalizers and the resource-specific default policy. "
       "Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage "
       "collector to delete the dependents in the background; 'Foreground' - a cascading policy "
       "that deletes all dependents in the foreground."},
      {"resourceVersion",
       "resourceVersion sets a constraint on what resource versions a request may be served from. "
       "See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for "
       "details.\n\nDefaults to unset"},
      {"resourceVersionMatch",
       "resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly "
       "recommended that resourceVersionMatch be set for list calls where resourceVersion is set "
       "See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for "
       "details.\n\nDefaults to unset"},
      {"timeoutSeconds",
       "Timeout for the list/watch call. This limits the duration of the call, regardless of any "
       "activity or inactivity."},
      {"watch",
       "Watch for changes to the described resources and return them as a stream of add, update, "
       "and remove notifications. Specify resourceVersion."},
  };
  auto it = kText.find(name);
  return it == kText.end() ? "" : it->second;
}

json::object query_param(const std::string& name) {
  const char* type = "string";
  if (name == "allowWatchBookmarks" || name == "watch" || name == "force" ||
      name == "orphanDependents") {
    type = "boolean";
  } else if (name == "limit" || name == "timeoutSeconds" || name == "gracePeriodSeconds") {
    type = "integer";
  }
  return json::object{{"name", name},
                      {"in", "query"},
                      {"description", param_description(name)},
                      {"schema", json::object{{"type", type}, {"uniqueItems", true}}}};
}

json::array query_params(std::initializer_list<const char*> names) {
  json::array a;
  for (const char* n : names) a.push_back(query_param(n));
  return a;
}

json::object path_param(const std::string& name, const std::string& description) {
  return json::object{{"name", name},
                      {"in", "path"},
                      {"description", description},
                      {"required", true},
                      {"schema", json::object{{"type", "string"}, {"uniqueItems", true}}}};
}

json::object content(const std::string& schema_name, bool with_protobuf) {
  json::object c;
  c["application/json"] = json::object{{"schema", ref_schema(schema_name)}};
  if (with_protobuf) {
    c["application/vnd.kubernetes.protobuf"] = json::object{{"schema", ref_schema(schema_name)}};
  }
  c["application/yaml"] = json::object{{"schema", ref_schema(schema_name)}};
  return c;
}

json::object responses(std::initializer_list<std::pair<const char*, const char*>> codes,
                       const std::string& schema_name, bool with_protobuf) {
  json::object r;
  for (const auto& [code, text] : codes) {
    r[code] = json::object{{"description", text}, {"content", content(schema_name, with_protobuf)}};
  }
  r["401"] = json::object{{"description", "Unauthorized"}};
  return r;
}

struct Builder {
  json::object paths;
  json::object schemas;

  json::object op(const ResourceType& t, const std::string& action, const std::string& description,
                  const std::string& operation_id) {
    json::object o;
    o["tags"] = json::array{tag_of(t)};
    o["description"] = description;
    o["operationId"] = operation_id;
    o["x-kubernetes-action"] = action;
    o["x-kubernetes-group-version-kind"] = gvk(t.group, t.version, t.kind);
    return o;
  }

  // Reorders an operation's keys as kube emits them.
  static json::object ordered(json::object o) {
    json::object out;
    for (const char* k : {"tags", "description", "operationId", "parameters", "requestBody",
                          "responses", "x-kubernetes-action", "x-kubernetes-group-version-kind"}) {
      if (auto* v = o.if_contains(k)) out[k] = *v;
    }
    return out;
  }

  void add_resource(const ResourceType& t) {
    const bool builtin = !t.is_custom();
    const std::string kind_schema = schema_prefix(t.group, t.version) + "." + t.kind;
    const std::string list_schema = schema_prefix(t.group, t.version) + "." + t.list_kind;
    const std::string base =
        t.group.empty() ? "/api/" + t.version : "/apis/" + t.group + "/" + t.version;
    const std::string gvp = gv_pascal(t);
    const std::string ns = t.namespaced ? "Namespaced" : "";
    const std::string collection =
        t.namespaced ? base + "/namespaces/{namespace}/" + t.plural : base + "/" + t.plural;
    const std::string item = collection + "/{name}";
    const json::object name_param = path_param("name", "name of the " + t.kind);
    const json::object namespace_param =
        path_param("namespace", "object name and auth scope, such as for teams and projects");
    const json::object pretty = query_param("pretty");
    const std::string list_desc =
        builtin ? "list or watch objects of kind " + t.kind : "list objects of kind " + t.kind;

    json::array patch_types = {"application/apply-patch+yaml", "application/json-patch+json",
                               "application/merge-patch+json"};
    if (builtin) patch_types.emplace_back("application/strategic-merge-patch+json");
    auto patch_body = [&]() {
      json::object c;
      for (const auto& pt : patch_types) {
        c[pt.as_string()] = json::object{{"schema", ref_schema(std::string(kMeta) + "Patch")}};
      }
      return json::object{{"content", std::move(c)}, {"required", true}};
    };
    auto body_of = [&](const std::string& schema_name) {
      return json::object{{"content", content(schema_name, false)}, {"required", true}};
    };
    auto delete_body = [&]() {
      return json::object{{"content", content(std::string(kMeta) + "DeleteOptions", false)}};
    };

    // Collection across all namespaces (list only).
    if (t.namespaced) {
      json::object path_item;
      auto get = op(t, "list", list_desc, "list" + gvp + t.kind + "ForAllNamespaces");
      get["responses"] = responses({{"200", "OK"}}, list_schema, builtin);
      path_item["get"] = ordered(std::move(get));
      path_item["parameters"] = query_params({"allowWatchBookmarks", "continue", "fieldSelector",
                                              "labelSelector", "limit", "pretty", "resourceVersion",
                                              "resourceVersionMatch", "timeoutSeconds", "watch"});
      paths[base + "/" + t.plural] = std::move(path_item);
    }
    {
      json::object path_item;
      auto get = op(t, "list", list_desc, "list" + gvp + ns + t.kind);
      get["parameters"] = query_params({"allowWatchBookmarks", "continue", "fieldSelector",
                                        "labelSelector", "limit", "resourceVersion",
                                        "resourceVersionMatch", "timeoutSeconds", "watch"});
      get["responses"] = responses({{"200", "OK"}}, list_schema, builtin);
      path_item["get"] = ordered(std::move(get));
      auto post = op(t, "post", "create a " + t.kind, "create" + gvp + ns + t.kind);
      post["parameters"] = query_params({"dryRun", "fieldManager", "fieldValidation"});
      post["requestBody"] = body_of(kind_schema);
      post["responses"] =
          responses({{"200", "OK"}, {"201", "Created"}, {"202", "Accepted"}}, kind_schema, builtin);
      path_item["post"] = ordered(std::move(post));
      auto del = op(t, "deletecollection", "delete collection of " + t.kind,
                    "deletecollection" + gvp + ns + t.kind);
      del["parameters"] =
          query_params({"continue", "dryRun", "fieldSelector", "gracePeriodSeconds",
                        "labelSelector", "limit", "orphanDependents", "propagationPolicy",
                        "resourceVersion", "resourceVersionMatch", "timeoutSeconds"});
      del["requestBody"] = delete_body();
      del["responses"] = responses({{"200", "OK"}}, std::string(kMeta) + "Status", builtin);
      path_item["delete"] = ordered(std::move(del));
      json::array params;
      if (t.namespaced) params.push_back(namespace_param);
      params.push_back(pretty);
      path_item["parameters"] = std::move(params);
      paths[collection] = std::move(path_item);
    }
    auto item_params = [&]() {
      json::array params;
      params.push_back(name_param);
      if (t.namespaced) params.push_back(namespace_param);
      params.push_back(pretty);
      return params;
    };
    {
      json::object path_item;
      auto get = op(t, "get", "read the specified " + t.kind, "read" + gvp + ns + t.kind);
      get["parameters"] = query_params({"resourceVersion"});
      get["responses"] = responses({{"200", "OK"}}, kind_schema, builtin);
      path_item["get"] = ordered(std::move(get));
      auto put = op(t, "put", "replace the specified " + t.kind, "replace" + gvp + ns + t.kind);
      put["parameters"] = query_params({"dryRun", "fieldManager", "fieldValidation"});
      put["requestBody"] = body_of(kind_schema);
      put["responses"] = responses({{"200", "OK"}, {"201", "Created"}}, kind_schema, builtin);
      path_item["put"] = ordered(std::move(put));
      auto del = op(t, "delete", "delete a " + t.kind, "delete" + gvp + ns + t.kind);
      del["parameters"] =
          query_params({"dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy"});
      del["requestBody"] = delete_body();
      del["responses"] = responses({{"200", "OK"}, {"202", "Accepted"}},
                                   builtin ? kind_schema : std::string(kMeta) + "Status", builtin);
      path_item["delete"] = ordered(std::move(del));
      auto patch =
          op(t, "patch", "partially update the specified " + t.kind, "patch" + gvp + ns + t.kind);
      patch["parameters"] = query_params({"dryRun", "fieldManager", "fieldValidation", "force"});
      patch["requestBody"] = patch_body();
      patch["responses"] = responses({{"200", "OK"}, {"201", "Created"}}, kind_schema, builtin);
      path_item["patch"] = ordered(std::move(patch));
      path_item["parameters"] = item_params();
      paths[item] = std::move(path_item);
    }
    auto subresource = [&](const std::string& sub, const std::string& schema_name,
                           const std::string& suffix) {
      json::object path_item;
      auto get = op(t, "get", "read " + sub + " of the specified " + t.kind,
                    "read" + gvp + ns + t.kind + suffix);
      get["parameters"] = query_params({"resourceVersion"});
      get["responses"] = responses({{"200", "OK"}}, schema_name, builtin);
      path_item["get"] = ordered(std::move(get));
      auto put = op(t, "put", "replace " + sub + " of the specified " + t.kind,
                    "replace" + gvp + ns + t.kind + suffix);
      put["parameters"] = query_params({"dryRun", "fieldManager", "fieldValidation"});
      put["requestBody"] = body_of(schema_name);
      put["responses"] = responses({{"200", "OK"}, {"201", "Created"}}, schema_name, builtin);
      path_item["put"] = ordered(std::move(put));
      auto patch = op(t, "patch", "partially update " + sub + " of the specified " + t.kind,
                      "patch" + gvp + ns + t.kind + suffix);
      // kube 1.26 offers no `force` on a custom resource's subresources.
      patch["parameters"] =
          builtin ? query_params({"dryRun", "fieldManager", "fieldValidation", "force"})
                  : query_params({"dryRun", "fieldManager", "fieldValidation"});
      patch["requestBody"] = patch_body();
      patch["responses"] = responses({{"200", "OK"}, {"201", "Created"}}, schema_name, builtin);
      path_item["patch"] = ordered(std::move(patch));
      path_item["parameters"] = item_params();
      paths[item + "/" + sub] = std::move(path_item);
    };
    if (t.has_status_subresource) subresource("status", kind_schema, "Status");
    if (t.scale) {
      subresource("scale", "io.k8s.api.autoscaling.v1.Scale", "Scale");
      add_scale_schemas();
    }
    for (const auto& extra : t.extra_subresources) {
      if (extra != "binding") continue;
      json::object path_item;
      auto post = op(t, "post", "create binding of a Pod", "create" + gvp + ns + "PodBinding");
      post["x-kubernetes-group-version-kind"] = gvk("", "v1", "Binding");
      post["parameters"] = query_params({"dryRun", "fieldManager", "fieldValidation"});
      post["requestBody"] = body_of("io.k8s.api.core.v1.Binding");
      post["responses"] = responses({{"200", "OK"}, {"201", "Created"}, {"202", "Accepted"}},
                                    "io.k8s.api.core.v1.Binding", builtin);
      path_item["post"] = ordered(std::move(post));
      path_item["parameters"] = item_params();
      paths[item + "/binding"] = std::move(path_item);
      schemas["io.k8s.api.core.v1.Binding"] = json::parse(
          R"({"description":"Binding ties one object to another; for example, a pod is bound to a node by a scheduler.","type":"object","required":["target"],"properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]},"target":{"description":"The target object that you want to bind to the standard object.","default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.api.core.v1.ObjectReference"}]}},"x-kubernetes-group-version-kind":[{"group":"","kind":"Binding","version":"v1"}]})");
      schemas["io.k8s.api.core.v1.ObjectReference"] = json::parse(
          R"({"description":"ObjectReference contains enough information to let you inspect or modify the referred object.","type":"object","properties":{"apiVersion":{"type":"string"},"fieldPath":{"type":"string"},"kind":{"type":"string"},"name":{"type":"string"},"namespace":{"type":"string"},"resourceVersion":{"type":"string"},"uid":{"type":"string"}},"x-kubernetes-map-type":"atomic"})");
    }
    add_kind_schemas(t, kind_schema, list_schema);
  }

  void add_scale_schemas() {
    schemas["io.k8s.api.autoscaling.v1.Scale"] = json::parse(
        R"({"description":"Scale represents a scaling request for a resource.","type":"object","properties":{"apiVersion":{"description":"APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources","type":"string"},"kind":{"description":"Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds","type":"string"},"metadata":{"description":"Standard object metadata; More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata.","default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]},"spec":{"description":"defines the behavior of the scale. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status.","default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.api.autoscaling.v1.ScaleSpec"}]},"status":{"description":"current status of the scale. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status. Read-only.","default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.api.autoscaling.v1.ScaleStatus"}]}},"x-kubernetes-group-version-kind":[{"group":"autoscaling","kind":"Scale","version":"v1"}]})");
    schemas["io.k8s.api.autoscaling.v1.ScaleSpec"] = json::parse(
        R"({"description":"ScaleSpec describes the attributes of a scale subresource.","type":"object","properties":{"replicas":{"description":"desired number of instances for the scaled object.","type":"integer","format":"int32"}}})");
    schemas["io.k8s.api.autoscaling.v1.ScaleStatus"] = json::parse(
        R"({"description":"ScaleStatus represents the current status of a scale subresource.","type":"object","required":["replicas"],"properties":{"replicas":{"description":"actual number of observed instances of the scaled object.","type":"integer","format":"int32","default":0},"selector":{"description":"label query over pods that should match the replicas count. This is same as the label selector but in the string format to avoid introspection by clients. The string will be in the same format as the query-param syntax. More info about label selectors: http://kubernetes.io/docs/user-guide/labels#label-selectors","type":"string"}}})");
  }

  void add_kind_schemas(const ResourceType& t, const std::string& kind_schema,
                        const std::string& list_schema) {
    json::object s;
    if (t.schema && t.schema->is_object()) s = t.schema->as_object();
    if (!s.contains("type")) s["type"] = "object";
    auto& props = s["properties"];
    if (!props.is_object()) props = json::object{};
    auto& p = props.as_object();
    // kube publishes the standard type and object metadata fields whatever the
    // schema says about them.
    p["apiVersion"] = json::object{
        {"description",
         "APIVersion defines the versioned schema of this representation of an object. Servers "
         "should convert recognized schemas to the latest internal value, and may reject "
         "unrecognized values. More info: "
         "https://git.k8s.io/community/contributors/devel/sig-architecture/"
         "api-conventions.md#resources"},
        {"type", "string"}};
    p["kind"] = json::object{
        {"description",
         "Kind is a string value representing the REST resource this object represents. Servers "
         "may infer this from the endpoint the client submits requests to. Cannot be updated. In "
         "CamelCase. More info: "
         "https://git.k8s.io/community/contributors/devel/sig-architecture/"
         "api-conventions.md#types-kinds"},
        {"type", "string"}};
    p["metadata"] =
        json::object{{"description",
                      "Standard object's metadata. More info: "
                      "https://git.k8s.io/community/contributors/devel/sig-architecture/"
                      "api-conventions.md#metadata"},
                     {"allOf", json::array{ref_schema(std::string(kMeta) + "ObjectMeta")}}};
    // Put the three standard fields first, as kube does.
    json::object reordered;
    for (const char* k : {"apiVersion", "kind", "metadata"}) reordered[k] = p[k];
    for (const auto& [k, v] : p)
      if (!reordered.contains(k)) reordered[k] = v;
    props = std::move(reordered);
    s["x-kubernetes-group-version-kind"] =
        json::array{json::object{{"group", t.group}, {"kind", t.kind}, {"version", t.version}}};
    schemas[kind_schema] = std::move(s);

    json::object list;
    list["description"] = t.list_kind + " is a list of " + t.kind;
    list["type"] = "object";
    list["required"] = json::array{"items"};
    list["properties"] = json::object{
        {"apiVersion", json::object{{"description",
                                     "APIVersion defines the versioned schema of "
                                     "this representation of an object."},
                                    {"type", "string"}}},
        {"items", json::object{{"description", "List of " + t.plural +
                                                   ". More info: "
                                                   "https://git.k8s.io/community/contributors/"
                                                   "devel/sig-architecture/api-conventions.md"},
                               {"type", "array"},
                               {"items", ref_schema(kind_schema)}}},
        {"kind", json::object{{"description",
                               "Kind is a string value representing the REST "
                               "resource this object represents."},
                              {"type", "string"}}},
        {"metadata",
         json::object{{"description", "Standard list metadata."},
                      {"allOf", json::array{ref_schema(std::string(kMeta) + "ListMeta")}}}}};
    list["x-kubernetes-group-version-kind"] = json::array{
        json::object{{"group", t.group}, {"kind", t.list_kind}, {"version", t.version}}};
    schemas[list_schema] = std::move(list);
  }

  void add_meta_schemas();
};

// The apimachinery meta/v1 schemas the documents reference (trimmed
// descriptions, full structure where kubectl explain shows it).
void Builder::add_meta_schemas() {
  const std::string m = kMeta;
  schemas[m + "Time"] = json::parse(
      R"({"description":"Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.","type":"string","format":"date-time"})");
  schemas[m + "FieldsV1"] = json::parse(
      R"({"description":"FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.","type":"object"})");
  schemas[m + "ManagedFieldsEntry"] = json::parse(
      R"({"description":"ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.","type":"object","properties":{"apiVersion":{"description":"APIVersion defines the version of this resource that this field set applies to.","type":"string"},"fieldsType":{"description":"FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: \"FieldsV1\"","type":"string"},"fieldsV1":{"description":"FieldsV1 holds the first JSON version format as described in the \"FieldsV1\" type.","allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"}]},"manager":{"description":"Manager is an identifier of the workflow managing these fields.","type":"string"},"operation":{"description":"Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'.","type":"string"},"subresource":{"description":"Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.","type":"string"},"time":{"description":"Time is the timestamp of when the ManagedFields entry was added.","allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time"}]}}})");
  schemas[m + "OwnerReference"] = json::parse(
      R"({"description":"OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.","type":"object","required":["apiVersion","kind","name","uid"],"properties":{"apiVersion":{"description":"API version of the referent.","type":"string","default":""},"blockOwnerDeletion":{"description":"If true, AND if the owner has the \"foregroundDeletion\" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.","type":"boolean"},"controller":{"description":"If true, this reference points to the managing controller.","type":"boolean"},"kind":{"description":"Kind of the referent.","type":"string","default":""},"name":{"description":"Name of the referent.","type":"string","default":""},"uid":{"description":"UID of the referent.","type":"string","default":""}},"x-kubernetes-map-type":"atomic"})");
  schemas[m + "ObjectMeta"] = json::parse(
      R"({"description":"ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.","type":"object","properties":{
    "annotations":{"description":"Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: http://kubernetes.io/docs/user-guide/annotations","type":"object","additionalProperties":{"type":"string","default":""}},
    "creationTimestamp":{"description":"CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.","default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time"}]},
    "deletionGracePeriodSeconds":{"description":"Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Only set when deletionTimestamp is also set.","type":"integer","format":"int64"},
    "deletionTimestamp":{"description":"DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.","allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time"}]},
    "finalizers":{"description":"Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list.","type":"array","items":{"type":"string","default":""},"x-kubernetes-patch-strategy":"merge"},
    "generateName":{"description":"GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.","type":"string"},
    "generation":{"description":"A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.","type":"integer","format":"int64"},
    "labels":{"description":"Map of string keys and values that can be used to organize and categorize (scope and select) objects. May match selectors of replication controllers and services. More info: http://kubernetes.io/docs/user-guide/labels","type":"object","additionalProperties":{"type":"string","default":""}},
    "managedFields":{"description":"ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.","type":"array","items":{"default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry"}]}},
    "name":{"description":"Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names","type":"string"},
    "namespace":{"description":"Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the \"default\" namespace, but \"default\" is the canonical representation. Must be a DNS_LABEL. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/namespaces","type":"string"},
    "ownerReferences":{"description":"List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.","type":"array","items":{"default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference"}]},"x-kubernetes-patch-merge-key":"uid","x-kubernetes-patch-strategy":"merge"},
    "resourceVersion":{"description":"An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. Populated by the system. Read-only.","type":"string"},
    "selfLink":{"description":"Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.","type":"string"},
    "uid":{"description":"UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations. Populated by the system. Read-only.","type":"string"}}})");
  schemas[m + "ListMeta"] = json::parse(
      R"({"description":"ListMeta describes metadata that synthetic resources must have, including lists and various status objects.","type":"object","properties":{"continue":{"description":"continue may be set if the user set a limit on the number of items returned.","type":"string"},"remainingItemCount":{"description":"remainingItemCount is the number of subsequent items in the list which are not included in this list response.","type":"integer","format":"int64"},"resourceVersion":{"description":"String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed.","type":"string"},"selfLink":{"description":"Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.","type":"string"}}})");
  schemas[m + "Patch"] = json::parse(
      R"({"description":"Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.","type":"object"})");
  schemas[m + "Preconditions"] = json::parse(
      R"({"description":"Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.","type":"object","properties":{"resourceVersion":{"description":"Specifies the target ResourceVersion","type":"string"},"uid":{"description":"Specifies the target UID.","type":"string"}}})");
  schemas[m + "DeleteOptions"] = json::parse(
      R"({"description":"DeleteOptions may be provided when deleting an API object.","type":"object","properties":{"apiVersion":{"type":"string"},"dryRun":{"type":"array","items":{"type":"string","default":""}},"gracePeriodSeconds":{"type":"integer","format":"int64"},"kind":{"type":"string"},"orphanDependents":{"type":"boolean"},"preconditions":{"allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions"}]},"propagationPolicy":{"type":"string"}},"x-kubernetes-group-version-kind":[{"group":"","kind":"DeleteOptions","version":"v1"}]})");
  schemas[m + "StatusCause"] = json::parse(
      R"({"description":"StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.","type":"object","properties":{"field":{"type":"string"},"message":{"type":"string"},"reason":{"type":"string"}}})");
  schemas[m + "StatusDetails"] = json::parse(
      R"({"description":"StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response.","type":"object","properties":{"causes":{"type":"array","items":{"default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause"}]}},"group":{"type":"string"},"kind":{"type":"string"},"name":{"type":"string"},"retryAfterSeconds":{"type":"integer","format":"int32"},"uid":{"type":"string"}}})");
  schemas[m + "Status"] = json::parse(
      R"({"description":"Status is a return value for calls that don't return other objects.","type":"object","properties":{"apiVersion":{"type":"string"},"code":{"type":"integer","format":"int32"},"details":{"allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails"}]},"kind":{"type":"string"},"message":{"type":"string"},"metadata":{"default":{},"allOf":[{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}]},"reason":{"type":"string"},"status":{"type":"string"}},"x-kubernetes-group-version-kind":[{"group":"","kind":"Status","version":"v1"}]})");
}

Document make_document(json::object doc) {
  Document d;
  d.body = json::serialize(doc);
  d.hash = sha512_hex_upper(d.body);
  return d;
}

json::object empty_document(bool custom) {
  json::object doc;
  doc["openapi"] = "3.0.0";
  doc["info"] = custom ? json::object{{"title", "Kubernetes CRD Swagger"}, {"version", "v0.1.0"}}
                       : json::object{{"title", "Kubernetes"}, {"version", "v1.26.1"}};
  doc["paths"] = json::object{};
  doc["components"] = json::object{};
  return doc;
}

}  // namespace

OpenApiV3 build_openapi_v3(const std::vector<TypePtr>& types) {
  std::map<std::string, std::vector<TypePtr>> by_gv;  // "api/v1", "apis/g/v"
  std::set<std::string> groups;
  for (const auto& t : types) {
    by_gv[t->group.empty() ? "api/" + t->version : "apis/" + t->group + "/" + t->version].push_back(
        t);
    if (!t->group.empty()) groups.insert(t->group);
  }
  OpenApiV3 out;
  for (auto& [path, list] : by_gv) {
    std::sort(list.begin(), list.end(),
              [](const TypePtr& a, const TypePtr& b) { return a->plural < b->plural; });
    bool custom = true;
    for (const auto& t : list) custom = custom && t->is_custom();
    Builder b;
    for (const auto& t : list) b.add_resource(*t);
    b.add_meta_schemas();
    json::object doc = empty_document(custom);
    // kube sorts paths and schemas by name.
    std::vector<std::string> keys;
    for (const auto& [k, unused] : b.paths) keys.emplace_back(k);
    std::sort(keys.begin(), keys.end());
    json::object paths;
    for (const auto& k : keys) paths[k] = b.paths[k];
    keys.clear();
    for (const auto& [k, unused] : b.schemas) keys.emplace_back(k);
    std::sort(keys.begin(), keys.end());
    json::object schemas;
    for (const auto& k : keys) schemas[k] = b.schemas[k];
    doc["paths"] = std::move(paths);
    doc["components"] = json::object{{"schemas", std::move(schemas)}};
    out.by_path[path] = make_document(std::move(doc));
  }
  out.by_path["api"] = make_document(empty_document(false));
  out.by_path["apis"] = make_document(empty_document(false));
  for (const auto& g : groups) out.by_path["apis/" + g] = make_document(empty_document(false));

  json::object index_paths;
  for (const auto& [path, doc] : out.by_path) {
    index_paths[path] =
        json::object{{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + doc.hash}};
  }
  out.index = json::serialize(json::object{{"paths", std::move(index_paths)}});
  return out;
}

HashCheck check_hash(const Document& doc, const std::string& requested_hash) {
  if (requested_hash.empty()) return HashCheck::kNoHash;
  return requested_hash == doc.hash ? HashCheck::kMatches : HashCheck::kMismatch;
}

std::string build_openapi_v2_json() {
  return json::serialize(
      json::object{{"swagger", "2.0"},
                   {"info", json::object{{"title", "Kubernetes"}, {"version", "v1.26.1"}}},
                   {"paths", json::object{}},
                   {"definitions", json::object{}}});
}

std::string build_openapi_v2_protobuf() {
  // openapi_v2.Document { swagger = 1; info = 2 { title = 1; version = 2; } }
  auto field = [](int number, const std::string& bytes) {
    std::string out;
    out += static_cast<char>((number << 3) | 2);  // length-delimited
    out += static_cast<char>(bytes.size());       // all short: one-byte varint
    out += bytes;
    return out;
  };
  const std::string info = field(1, "Kubernetes") + field(2, "v1.26.1");
  return field(1, "2.0") + field(2, info);
}

}  // namespace dynop::localcluster::openapi
