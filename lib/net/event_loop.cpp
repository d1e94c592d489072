#include "lib/net/event_loop.hpp"

#include <spdlog/spdlog.h>

#include "lib/net/event_loop_impl.hpp"

namespace dynop::net {

EventLoop::EventLoop(int threads) : impl_(std::make_unique<Impl>()) {
  const int count = threads < 1 ? 1 : threads;
  for (int i = 0; i < count; ++i) {
    impl_->contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    impl_->work.emplace_back(impl_->contexts.back()->get_executor());
  }
  for (auto& context : impl_->contexts) {
    impl_->threads.emplace_back([c = context.get()] {
      for (;;) {
        try {
          c->run();
          return;
        } catch (const std::exception& e) {
          // A throwing completion handler must not take the process down.
          spdlog::error("event loop thread: {}", e.what());
        }
      }
    });
  }
}

EventLoop::~EventLoop() {
  impl_->work.clear();
  for (auto& context : impl_->contexts) context->stop();
  for (auto& thread : impl_->threads) thread.join();
  // The io_contexts go last: destroying them destroys whatever handlers are
  // still queued (and the connections those hold).
}

int EventLoop::threads() const { return static_cast<int>(impl_->threads.size()); }

}  // namespace dynop::net
