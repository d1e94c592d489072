#include "localcluster/controllers/service_account_controller.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/time.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::controllers {

namespace json = boost::json;

namespace {
constexpr const char* kDefault = "default";
}  // namespace

void ServiceAccountController::start() {
  namespaces_ = std::make_unique<ControllerLoop>(
      store_, storage::Selection{"namespaces", "", nullptr},
      [this](const storage::WatchEvent& event) {
        if (event.type != storage::WatchEventType::kDeleted && !event.attrs->deleting) {
          ensure_default(event.attrs->name);
        }
      });
  accounts_ = std::make_unique<ControllerLoop>(
      store_,
      storage::Selection{"serviceaccounts", "",
                         [](const storage::ObjectAttrs& attrs) { return attrs.name == kDefault; }},
      [this](const storage::WatchEvent& event) {
        if (event.type == storage::WatchEventType::kDeleted) {
          ensure_default(event.attrs->namespace_name);
        }
      });
  namespaces_->start();
  accounts_->start();
}

void ServiceAccountController::stop() {
  if (accounts_) accounts_->stop();
  if (namespaces_) namespaces_->stop();
}

void ServiceAccountController::ensure_default(const std::string& ns) {
  auto found = store_.get("namespaces", "", ns);
  if (!found.ok() || found.value().attrs->deleting) return;
  if (store_.get("serviceaccounts", ns, kDefault).ok()) return;
  json::object account{
      {"kind", "ServiceAccount"},
      {"apiVersion", "v1"},
      {"metadata",
       json::object{{"name", kDefault},
                    {"namespace", ns},
                    {"uid", server::new_uid()},
                    {"creationTimestamp", apimachinery::format_time(apimachinery::now())}}}};
  // AlreadyExists when a client created it first: nothing to do either way.
  store_.create("serviceaccounts", ns, kDefault, std::move(account));
}

}  // namespace dynop::localcluster::controllers
