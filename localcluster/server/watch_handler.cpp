// WATCH: a chunked stream of events from the store, with bookmarks, the
// server-side timeout and 410 Gone for a resourceVersion older than the history;
// each watch runs on its own thread until the client or the server ends it.

#include <algorithm>
#include <thread>

#include "lib/apimachinery/go_quote.hpp"
#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using rest::int_param;
using rest::param_or;
using rest::parse_rv;
using rest::selection_of;

std::size_t RestHandler::close_watches() {
  std::vector<std::shared_ptr<storage::WatchChannel>> open;
  {
    std::lock_guard lock(watch_mutex_);
    for (const auto& weak : watches_) {
      if (auto channel = weak.lock(); channel && !channel->closed()) open.push_back(channel);
    }
    watches_.clear();
  }
  for (const auto& channel : open) channel->close();
  return open.size();
}

void RestHandler::watch(Context& ctx, net::Responder responder) {
  auto selected = selection_of(*ctx.type, ctx.info, ctx.resource);
  if (auto* error = std::get_if<ApiError>(&selected)) {
    return responder.respond(error_response(ctx, *error));
  }
  storage::Selection selection = std::get<storage::Selection>(std::move(selected));
  std::string rv_text = param_or(ctx.info, "resourceVersion");
  std::optional<std::uint64_t> from;
  if (!rv_text.empty() && rv_text != "0") {
    from = parse_rv(rv_text);
    if (!from) {
      return responder.respond(error_response(
          ctx, invalid(ctx.subject(""),
                       {apimachinery::FieldError{apimachinery::FieldErrorType::kInvalid,
                                                 "resourceVersion", apimachinery::go_quote(rv_text),
                                                 "must be a valid resource version"}})));
    }
  }
  auto start = store_.watch(selection, from);
  auto head = net::Response::json(200, "");
  head.set_header("Cache-Control", "no-cache, private");
  auto stream = responder.stream(std::move(head));
  if (start.error) {
    ApiError error = gone(start.error->message);
    stream->send_chunk("{\"type\":\"ERROR\",\"object\":" + error.to_json() + "}\n");
    stream->close();
    return;
  }
  auto channel = start.channel;
  stream->on_close([channel] { channel->close(); });

  bool bookmarks = param_or(ctx.info, "allowWatchBookmarks") == "true";
  auto timeout = options_.default_watch_timeout;
  if (auto t = int_param(ctx.info, "timeoutSeconds"); t && *t > 0)
    timeout = std::chrono::seconds(*t);
  bool table = serves_table(ctx);
  bool include_object = ctx.include_object();
  ResourceTypePtr type = ctx.type;
  {
    std::lock_guard lock(watch_mutex_);
    ++active_watches_;
    std::erase_if(watches_, [](const std::weak_ptr<storage::WatchChannel>& weak) {
      auto open = weak.lock();
      return !open || open->closed();
    });
    watches_.push_back(channel);
  }
  std::thread([this, channel, stream, bookmarks, timeout, table, include_object, type,
               from_rv = from.value_or(0)] {
    auto started = std::chrono::steady_clock::now();
    auto deadline = started + timeout;
    auto last_bookmark = started;
    bool first_table = true;
    bool final_bookmark_sent = false;
    std::uint64_t last_rv = from_rv;
    std::vector<storage::WatchEvent> events;
    auto bookmark = [&] {
      std::uint64_t rv = std::max(store_.current_resource_version(), last_rv);
      json::object object{{"kind", type->kind},
                          {"apiVersion", type->group_version()},
                          {"metadata", json::object{{"resourceVersion", std::to_string(rv)}}}};
      stream->send_chunk("{\"type\":\"BOOKMARK\",\"object\":" + json::serialize(object) + "}\n");
      last_bookmark = std::chrono::steady_clock::now();
    };
    while (!stopping_ && !stream->closed()) {
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      auto wait = std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(500),
                                                                deadline - now);
      events.clear();
      if (!channel->wait_pop(events, std::chrono::duration_cast<std::chrono::milliseconds>(wait))) {
        break;
      }
      std::string chunk;
      for (const auto& event : events) {
        last_rv = std::max(last_rv, event.resource_version);
        chunk += "{\"type\":\"";
        chunk += storage::to_string(event.type);
        chunk += "\",\"object\":";
        if (table) {
          TableRequest request;
          request.include_object = include_object;
          request.with_column_definitions = first_table;
          first_table = false;
          std::vector<json::value> objects{json::parse(*event.json)};
          chunk += json::serialize(hooks_.render_table(*type, objects, request));
        } else {
          chunk += rest::served_json(*type, *event.json);
        }
        chunk += "}\n";
      }
      if (!chunk.empty() && !stream->send_chunk(std::move(chunk))) break;
      now = std::chrono::steady_clock::now();
      if (bookmarks && now - last_bookmark >= options_.bookmark_interval) bookmark();
      if (bookmarks && !final_bookmark_sent && timeout > std::chrono::seconds(2) &&
          deadline - now <= std::chrono::seconds(1)) {
        bookmark();
        final_bookmark_sent = true;
      }
    }
    channel->close();
    stream->close();
    std::lock_guard lock(watch_mutex_);
    --active_watches_;
    watch_cv_.notify_all();
  }).detach();
}

}  // namespace dynop::localcluster::server
