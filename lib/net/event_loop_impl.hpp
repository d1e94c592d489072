#pragma once
// EventLoop's insides, for server.cpp only.

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "lib/net/event_loop.hpp"

namespace dynop::net {

struct EventLoop::Impl {
  // One single-threaded io_context per thread.
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::atomic<std::size_t> next{0};

  boost::asio::io_context& next_context() {
    return *contexts[next.fetch_add(1, std::memory_order_relaxed) % contexts.size()];
  }
};

}  // namespace dynop::net
