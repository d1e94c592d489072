#include "localcluster/tables/table.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/json_path.hpp"
#include "localcluster/tables/builtin_cells.hpp"

namespace dynop::localcluster::tables {
namespace {

namespace json = boost::json;

const char kNameDescription[] =
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "http://kubernetes.io/docs/user-guide/identifiers#names";
const char kCreationTimestampDescription[] =
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients "
    "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the "
    "system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#metadata";

// A custom resource's columns: its printer columns, or Age when it has none
// (kube's default for CRDs).
std::vector<PrinterColumn> custom_columns(const ResourceType& type) {
  if (!type.printer_columns.empty()) return type.printer_columns;
  return {PrinterColumn{"Age", "date", "", kCreationTimestampDescription,
                        ".metadata.creationTimestamp", 0}};
}

json::object column_json(const std::string& name, const std::string& type,
                         const std::string& format, const std::string& description, int priority) {
  json::object c;
  c["name"] = name;
  c["type"] = type;
  c["format"] = format;
  c["description"] = description;
  c["priority"] = priority;
  return c;
}

json::object table_skeleton(const std::string& resource_version) {
  json::object t;
  t["kind"] = "Table";
  t["apiVersion"] = "meta.k8s.io/v1";
  json::object meta;
  meta["resourceVersion"] = resource_version;
  t["metadata"] = std::move(meta);
  return t;
}

std::string resource_version_of(const json::object& o) {
  const auto* m = o.if_contains("metadata");
  if (m == nullptr || !m->is_object()) return "";
  const auto* rv = m->get_object().if_contains("resourceVersion");
  return rv != nullptr && rv->is_string() ? std::string(rv->get_string()) : std::string();
}

}  // namespace

std::optional<IncludeObject> parse_include_object(std::string_view value) {
  if (value.empty() || value == "Metadata") return IncludeObject::kMetadata;
  if (value == "None") return IncludeObject::kNone;
  if (value == "Object") return IncludeObject::kObject;
  return std::nullopt;
}

bool wants_table(std::string_view accept) {
  std::size_t pos = 0;
  while (pos < accept.size()) {
    auto comma = accept.find(',', pos);
    if (comma == std::string_view::npos) comma = accept.size();
    const auto item = accept.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.find("as=Table") != std::string_view::npos &&
        item.find("g=meta.k8s.io") != std::string_view::npos &&
        (item.find("v=v1;") != std::string_view::npos ||
         item.find("v=v1beta1") != std::string_view::npos ||
         item.substr(item.size() >= 4 ? item.size() - 4 : 0) == "v=v1")) {
      return true;
    }
  }
  return false;
}

boost::json::array column_definitions(const ResourceType& type) {
  json::array out;
  if (!type.is_custom() && !type.printer_columns.empty()) {
    for (const auto& c : type.printer_columns)
      out.push_back(column_json(c.name, c.type, c.format, c.description, c.priority));
    return out;
  }
  out.push_back(column_json("Name", "string", "name", kNameDescription, 0));
  for (const auto& c : custom_columns(type)) {
    const std::string description =
        c.description.empty()
            ? "Custom resource definition column (in JSONPath format): " + c.json_path
            : c.description;
    out.push_back(column_json(c.name, c.type, c.format, description, c.priority));
  }
  return out;
}

boost::json::object table_row(const ResourceType& type, const boost::json::object& object,
                              IncludeObject include, apimachinery::Timestamp now) {
  json::array cells;
  if (auto builtin = builtin_cells(type, object, now)) {
    cells = std::move(*builtin);
  } else {
    const auto* m = object.if_contains("metadata");
    const json::value* name =
        m != nullptr && m->is_object() ? m->get_object().if_contains("name") : nullptr;
    cells.push_back(name != nullptr ? *name : json::value(""));
    const json::value doc(object);
    for (const auto& c : custom_columns(type)) {
      auto path = apimachinery::JsonPath::parse(c.json_path);
      cells.push_back(path ? apimachinery::printer_column_cell(doc, *path, c.type, now)
                           : json::value(nullptr));
    }
  }
  json::object row;
  row["cells"] = std::move(cells);
  switch (include) {
    case IncludeObject::kNone:
      row["object"] = nullptr;
      break;
    case IncludeObject::kObject:
      row["object"] = object;
      break;
    case IncludeObject::kMetadata: {
      json::object partial;
      partial["kind"] = "PartialObjectMetadata";
      partial["apiVersion"] = "meta.k8s.io/v1";
      const auto* m = object.if_contains("metadata");
      partial["metadata"] = m != nullptr ? *m : json::value(json::object{});
      row["object"] = std::move(partial);
      break;
    }
  }
  return row;
}

boost::json::object table_for_list(const ResourceType& type,
                                   const std::vector<const boost::json::object*>& items,
                                   const ListInfo& info, IncludeObject include,
                                   apimachinery::Timestamp now) {
  json::object t = table_skeleton(info.resource_version);
  if (!info.continue_token.empty()) {
    t["metadata"].as_object()["continue"] = info.continue_token;
    if (info.remaining_item_count) {
      t["metadata"].as_object()["remainingItemCount"] = *info.remaining_item_count;
    }
  }
  t["columnDefinitions"] = column_definitions(type);
  json::array rows;
  for (const auto* item : items) rows.push_back(table_row(type, *item, include, now));
  t["rows"] = std::move(rows);
  return t;
}

boost::json::object table_for_object(const ResourceType& type, const boost::json::object& object,
                                     IncludeObject include, apimachinery::Timestamp now,
                                     bool with_column_definitions) {
  json::object t = table_skeleton(resource_version_of(object));
  t["columnDefinitions"] =
      with_column_definitions ? json::value(column_definitions(type)) : json::value(nullptr);
  t["rows"] = json::array{table_row(type, object, include, now)};
  return t;
}

}  // namespace dynop::localcluster::tables
