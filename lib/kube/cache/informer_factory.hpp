#pragma once
// One informer per kind, shared by every consumer (client-go's
// SharedInformerFactory). Consumers ask for a kind before start(); options
// for a kind (selectors, projection) are set once per kind, before its
// informer exists. When consumers ask different things of one kind, the
// cache keeps their union, so each gets at least what it asked for: whole
// objects (no projection) win over any projection, and two projections merge
// their paths (a path kept whole by one covers the other's paths below it).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lib/kube/cache/informer.hpp"
#include "lib/kube/client/resource.hpp"

namespace dynop::kube {

struct KindOptions {
  std::string label_selector;
  std::string field_selector;
  // null: whole objects. A consumer asking for whole objects wins over
  // projections asked for by others.
  std::shared_ptr<const Projection> projection;
};

class InformerFactory {
 public:
  // Resolves a kind (discovery) and makes its ListerWatcher; the kube Client
  // in production (make_informer_factory below), fakes in tests.
  using Resolve =
      std::function<Result<ResourceInfo>(const std::string& api_version, const std::string& kind)>;
  using MakeListerWatcher = std::function<std::unique_ptr<ListerWatcher>(const ResourceInfo&)>;

  InformerFactory(Resolve resolve, MakeListerWatcher make);
  ~InformerFactory();  // stop()

  // Sets options for a kind (before its informer is created). Projections
  // merge as above; selectors must agree (a different one is an error).
  Status configure(const std::string& api_version, const std::string& kind,
                   const KindOptions& options);
  // What the cache keeps of a kind: its projection, null for whole objects
  // (also for a kind nobody configured).
  std::shared_ptr<const Projection> projection_of(const std::string& api_version,
                                                  const std::string& kind) const;
  // The shared informer for a kind, created on first use. Informers created
  // after start() start at once.
  Result<Informer*> informer_for(const std::string& api_version, const std::string& kind);

  void start();
  void stop();
  // True once every informer has listed (the /readyz condition).
  bool has_synced() const;
  bool wait_for_sync(std::chrono::milliseconds timeout);
  std::vector<std::pair<std::string, Informer*>> informers() const;

  // Informers made later export their metrics (informer_metrics.hpp) to
  // `registry`, which must outlive this factory.
  void set_metrics(metrics::Registry& registry);

  // Test and bench hook: page size and backoff for informers made later.
  InformerOptions& defaults() { return defaults_; }

 private:
  Resolve resolve_;
  MakeListerWatcher make_;
  InformerOptions defaults_;
  mutable std::mutex mutex_;
  bool started_ = false;
  std::map<std::string, KindOptions> kind_options_;  // by "apiVersion/Kind"
  std::map<std::string, std::unique_ptr<Informer>> informers_;
};

class Client;
// Informers backed by `client` (discovery + list/watch); `client` must
// outlive the factory.
std::unique_ptr<InformerFactory> make_informer_factory(Client& client);

}  // namespace dynop::kube
