#include "localcluster/server/selectors.hpp"

#include <memory>
#include <string>

#include "lib/apimachinery/field_selector.hpp"
#include "lib/apimachinery/label_selector.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/registry/selectable_fields.hpp"

namespace dynop::localcluster::server {

std::variant<storage::AttrsPredicate, ApiError> make_predicate(const ResourceType& type,
                                                               std::string_view label_selector,
                                                               std::string_view field_selector) {
  std::shared_ptr<apimachinery::LabelSelector> labels;
  if (!label_selector.empty()) {
    auto parsed = apimachinery::LabelSelector::parse(label_selector);
    if (!parsed) return bad_request(parsed.error());
    if (!parsed->empty()) labels = std::make_shared<apimachinery::LabelSelector>(*parsed);
  }
  std::shared_ptr<apimachinery::FieldSelector> fields;
  if (!field_selector.empty()) {
    auto parsed = apimachinery::FieldSelector::parse(field_selector);
    if (!parsed) return bad_request(parsed.error());
    auto supported = parsed->check_supported(selectable_fields(storage_resource(type)));
    if (!supported) return bad_request(supported.error());
    if (!parsed->empty()) fields = std::make_shared<apimachinery::FieldSelector>(*parsed);
  }
  if (!labels && !fields) return storage::AttrsPredicate();
  return storage::AttrsPredicate([labels, fields](const storage::ObjectAttrs& attrs) {
    if (labels && !labels->matches_with([&](const std::string& key) {
          const std::string* v = attrs.label(key);
          return v ? std::optional<std::string_view>(*v) : std::nullopt;
        })) {
      return false;
    }
    static const std::string kEmpty;
    return !fields || fields->matches_with([&](const std::string& field) -> const std::string& {
      const std::string* v = attrs.field(field);
      return v ? *v : kEmpty;
    });
  });
}

}  // namespace dynop::localcluster::server
