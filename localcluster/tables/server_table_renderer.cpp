#include "localcluster/tables/server_table_renderer.hpp"

#include <boost/json.hpp>

#include "localcluster/tables/table.hpp"

namespace dynop::localcluster::tables {

server::TableRenderer make_table_renderer() {
  return [](const ResourceType& type, const std::vector<boost::json::value>& objects,
            const server::TableRequest& request) -> boost::json::value {
    const auto include = request.include_object ? IncludeObject::kObject : IncludeObject::kMetadata;
    const auto now = apimachinery::now();
    if (request.resource_version.empty() && objects.size() == 1 && objects[0].is_object()) {
      return table_for_object(type, objects[0].get_object(), include, now,
                              request.with_column_definitions);
    }
    std::vector<const boost::json::object*> items;
    items.reserve(objects.size());
    for (const auto& o : objects)
      if (o.is_object()) items.push_back(&o.get_object());
    ListInfo info{request.resource_version, request.continue_token, std::nullopt};
    if (request.remaining_item_count) info.remaining_item_count = *request.remaining_item_count;
    return table_for_list(type, items, info, include, now);
  };
}

}  // namespace dynop::localcluster::tables
