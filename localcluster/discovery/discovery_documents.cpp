#include "localcluster/discovery/discovery_documents.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <set>

#include "localcluster/discovery/content_hash.hpp"
#include "localcluster/registry/crd_resource_types.hpp"

namespace dynop::localcluster::discovery {
namespace {

namespace json = boost::json;
using TypePtr = std::shared_ptr<const ResourceType>;

// The order kube-apiserver 1.26 lists its built-in groups in; custom groups
// follow, by name.
const std::vector<std::string> kBuiltinGroupOrder = {"apiregistration.k8s.io",
                                                     "apps",
                                                     "events.k8s.io",
                                                     "authentication.k8s.io",
                                                     "authorization.k8s.io",
                                                     "autoscaling",
                                                     "batch",
                                                     "certificates.k8s.io",
                                                     "networking.k8s.io",
                                                     "policy",
                                                     "rbac.authorization.k8s.io",
                                                     "storage.k8s.io",
                                                     "admissionregistration.k8s.io",
                                                     "apiextensions.k8s.io",
                                                     "scheduling.k8s.io",
                                                     "coordination.k8s.io",
                                                     "node.k8s.io",
                                                     "discovery.k8s.io",
                                                     "flowcontrol.apiserver.k8s.io"};

int group_rank(const std::string& g) {
  auto it = std::find(kBuiltinGroupOrder.begin(), kBuiltinGroupOrder.end(), g);
  return it == kBuiltinGroupOrder.end() ? static_cast<int>(kBuiltinGroupOrder.size())
                                        : static_cast<int>(it - kBuiltinGroupOrder.begin());
}

bool group_less(const std::string& a, const std::string& b) {
  const int ra = group_rank(a), rb = group_rank(b);
  if (ra != rb) return ra < rb;
  return a < b;
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

struct Subresource {
  std::string name;
  std::string kind;
  std::string group, version;  // set for scale (autoscaling/v1)
  std::vector<std::string> verbs;
};

// Subresources in the order kube lists them: a CRD's status then scale; a
// built-in kind's by name.
std::vector<Subresource> subresources_of(const ResourceType& t) {
  std::vector<Subresource> out;
  const std::vector<std::string> gpu = {"get", "patch", "update"};
  if (t.has_status_subresource) out.push_back({"status", t.kind, "", "", gpu});
  if (t.scale) out.push_back({"scale", "Scale", "autoscaling", "v1", gpu});
  for (const auto& e : t.extra_subresources) {
    if (e == "binding")
      out.push_back({"binding", "Binding", "", "", {"create"}});
    else if (e == "finalize")
      out.push_back({"finalize", t.kind, "", "", {"update"}});
    else
      out.push_back({e, t.kind, "", "", gpu});
  }
  if (!t.is_custom()) {
    std::sort(out.begin(), out.end(),
              [](const Subresource& a, const Subresource& b) { return a.name < b.name; });
  }
  return out;
}

json::object legacy_resource(const ResourceType& t) {
  json::object r;
  r["name"] = t.plural;
  r["singularName"] = t.singular;
  r["namespaced"] = t.namespaced;
  r["kind"] = t.kind;
  r["verbs"] = strings(t.verbs);
  if (!t.short_names.empty()) r["shortNames"] = strings(t.short_names);
  if (!t.categories.empty()) r["categories"] = strings(t.categories);
  // Aggregated resources have no storage, hence no hash.
  if (t.api_service.empty()) r["storageVersionHash"] = storage_version_hash(t);
  return r;
}

json::object legacy_subresource(const ResourceType& t, const Subresource& s) {
  json::object r;
  r["name"] = t.plural + "/" + s.name;
  r["singularName"] = "";
  r["namespaced"] = t.namespaced;
  if (!s.group.empty()) {
    r["group"] = s.group;
    r["version"] = s.version;
  }
  r["kind"] = s.kind;
  r["verbs"] = strings(s.verbs);
  return r;
}

json::object response_kind(const ResourceType& t, const std::string& kind) {
  // Built-in kinds leave group and version empty in 1.26's aggregated discovery.
  json::object k;
  k["group"] = t.is_custom() ? t.group : "";
  k["version"] = t.is_custom() ? t.version : "";
  k["kind"] = kind;
  return k;
}

json::object aggregated_resource(const ResourceType& t) {
  json::object r;
  r["resource"] = t.plural;
  r["responseKind"] = response_kind(t, t.kind);
  r["scope"] = t.namespaced ? "Namespaced" : "Cluster";
  r["singularResource"] = t.singular;
  r["verbs"] = strings(t.verbs);
  if (!t.short_names.empty()) r["shortNames"] = strings(t.short_names);
  if (!t.categories.empty()) r["categories"] = strings(t.categories);
  json::array subs;
  for (const auto& s : subresources_of(t)) {
    json::object o;
    o["subresource"] = s.name;
    if (s.group.empty()) {
      o["responseKind"] = response_kind(t, s.kind);
    } else {
      o["responseKind"] =
          json::object{{"group", s.group}, {"version", s.version}, {"kind", s.kind}};
    }
    o["verbs"] = strings(s.verbs);
    subs.push_back(std::move(o));
  }
  if (!subs.empty()) r["subresources"] = std::move(subs);
  return r;
}

json::object group_version(const std::string& group, const std::string& version) {
  return json::object{{"groupVersion", group.empty() ? version : group + "/" + version},
                      {"version", version}};
}

AggregatedDocument aggregated(const json::array& items, const char* api_version) {
  json::object doc;
  doc["kind"] = "APIGroupDiscoveryList";
  doc["apiVersion"] = api_version;
  doc["metadata"] = json::object{};
  doc["items"] = items;
  AggregatedDocument out;
  out.body = json::serialize(doc);
  out.etag = "\"" + sha512_hex_upper(out.body) + "\"";
  return out;
}

}  // namespace

std::string storage_version_hash(const ResourceType& type) {
  // Events of events.k8s.io are stored as core v1 Events.
  std::string group = type.group == "events.k8s.io" ? "" : type.group;
  const std::string& version = type.storage_version.empty() ? type.version : type.storage_version;
  const std::string input = group + "/" + version + "/" + type.kind;
  std::array<unsigned char, SHA256_DIGEST_LENGTH> md{};
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), md.data());
  unsigned char b64[16] = {};
  EVP_EncodeBlock(b64, md.data(), 8);
  return std::string(reinterpret_cast<const char*>(b64));
}

DiscoveryDocuments build_discovery(const std::vector<TypePtr>& types,
                                   const std::string& server_address) {
  // group -> version -> types (sorted by plural)
  std::map<std::string, std::map<std::string, std::vector<TypePtr>>> by_group;
  for (const auto& t : types) by_group[t->group][t->version].push_back(t);
  for (auto& [g, versions] : by_group)
    for (auto& [v, list] : versions)
      std::sort(list.begin(), list.end(),
                [](const TypePtr& a, const TypePtr& b) { return a->plural < b->plural; });

  DiscoveryDocuments docs;
  json::object api_versions;
  api_versions["kind"] = "APIVersions";
  api_versions["versions"] = json::array{"v1"};
  api_versions["serverAddressByClientCIDRs"] =
      json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}};
  docs.api_versions = json::serialize(api_versions);

  std::vector<std::string> group_names;
  for (const auto& [g, unused] : by_group)
    if (!g.empty()) group_names.push_back(g);
  std::sort(group_names.begin(), group_names.end(), group_less);

  auto sorted_versions = [&](const std::string& g) {
    std::vector<std::string> vs;
    for (const auto& [v, unused] : by_group[g]) vs.push_back(v);
    std::sort(vs.begin(), vs.end(), kube_version_less);
    return vs;
  };

  json::array groups;
  json::array aggregated_groups;
  for (const auto& g : group_names) {
    const auto versions = sorted_versions(g);
    json::object group;
    group["name"] = g;
    json::array vlist;
    for (const auto& v : versions) vlist.push_back(group_version(g, v));
    group["versions"] = vlist;
    group["preferredVersion"] = group_version(g, versions.front());
    groups.push_back(group);

    json::object single;
    single["kind"] = "APIGroup";
    single["apiVersion"] = "v1";
    single["name"] = g;
    single["versions"] = vlist;
    single["preferredVersion"] = group_version(g, versions.front());
    docs.groups["/apis/" + g] = json::serialize(single);

    json::object item;
    item["metadata"] = json::object{{"name", g}, {"creationTimestamp", nullptr}};
    json::array item_versions;
    for (const auto& v : versions) {
      json::array resources;
      for (const auto& t : by_group[g][v]) resources.push_back(aggregated_resource(*t));
      item_versions.push_back(json::object{{"version", v}, {"resources", std::move(resources)}});
    }
    item["versions"] = std::move(item_versions);
    aggregated_groups.push_back(std::move(item));
  }
  json::object group_list;
  group_list["kind"] = "APIGroupList";
  group_list["apiVersion"] = "v1";
  group_list["groups"] = groups;
  docs.api_group_list = json::serialize(group_list);

  for (const auto& [g, versions] : by_group) {
    for (const auto& [v, list] : versions) {
      json::object rl;
      rl["kind"] = "APIResourceList";
      if (!g.empty()) rl["apiVersion"] = "v1";
      rl["groupVersion"] = g.empty() ? v : g + "/" + v;
      json::array resources;
      for (const auto& t : list) {
        resources.push_back(legacy_resource(*t));
        for (const auto& s : subresources_of(*t)) resources.push_back(legacy_subresource(*t, s));
      }
      rl["resources"] = std::move(resources);
      docs.resource_lists[g.empty() ? "/api/" + v : "/apis/" + g + "/" + v] = json::serialize(rl);
    }
  }

  json::array core_items;
  if (by_group.count("")) {
    json::object item;
    item["metadata"] = json::object{{"creationTimestamp", nullptr}};
    json::array item_versions;
    for (const auto& v : sorted_versions("")) {
      json::array resources;
      for (const auto& t : by_group[""][v]) resources.push_back(aggregated_resource(*t));
      item_versions.push_back(json::object{{"version", v}, {"resources", std::move(resources)}});
    }
    item["versions"] = std::move(item_versions);
    core_items.push_back(std::move(item));
  }
  docs.aggregated_api_v2beta1 = aggregated(core_items, "apidiscovery.k8s.io/v2beta1");
  docs.aggregated_apis_v2beta1 = aggregated(aggregated_groups, "apidiscovery.k8s.io/v2beta1");
  docs.aggregated_api_v2 = aggregated(core_items, "apidiscovery.k8s.io/v2");
  docs.aggregated_apis_v2 = aggregated(aggregated_groups, "apidiscovery.k8s.io/v2");
  return docs;
}

DiscoveryFormat negotiate_discovery(std::string_view accept, bool serve_v2) {
  if (accept.empty()) return DiscoveryFormat::kLegacy;
  bool any_other = false;
  bool offers_v2 = false;
  bool offers_v2beta1 = false;
  std::size_t pos = 0;
  while (pos <= accept.size()) {
    auto comma = accept.find(',', pos);
    if (comma == std::string_view::npos) comma = accept.size();
    std::string item;
    for (char c : accept.substr(pos, comma - pos))
      if (c != ' ') item += c;
    pos = comma + 1;
    if (item.empty()) continue;
    const bool aggregated = item.find("as=APIGroupDiscoveryList") != std::string::npos;
    if (aggregated) {
      if (item.find("v=v2beta1") != std::string::npos)
        offers_v2beta1 = true;
      else if (item.find("v=v2") != std::string::npos)
        offers_v2 = true;
      continue;
    }
    const auto semi = item.find(';');
    const std::string media = item.substr(0, semi);
    if (media == "application/json" || media == "*/*" || media == "application/*" ||
        media == "application/yaml" || media == "application/vnd.kubernetes.protobuf") {
      any_other = true;
    }
  }
  if (offers_v2 && serve_v2) return DiscoveryFormat::kAggregatedV2;
  if (offers_v2beta1) return DiscoveryFormat::kAggregatedV2beta1;
  if (any_other) return DiscoveryFormat::kLegacy;
  return DiscoveryFormat::kNotAcceptable;
}

}  // namespace dynop::localcluster::discovery
