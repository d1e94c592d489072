#include "localcluster/faults/fault_injector.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace dynop::localcluster::faults {
namespace {

// Hands out the given draws in turn.
FaultInjector::Random scripted(std::vector<double> draws) {
  return [draws = std::move(draws), next = std::size_t{0}]() mutable {
    return draws[next++ % draws.size()];
  };
}

FaultConfig failing(double rate, int code = 500) {
  FaultConfig config;
  config.write_error_rate = rate;
  config.write_error_code = code;
  return config;
}

TEST(FaultInjector, FailsExactlyTheDrawsBelowTheRate) {
  FaultInjector injector(failing(0.5, 409), scripted({0.1, 0.7, 0.49, 0.5, 0.99}));
  std::vector<bool> failed;
  for (int i = 0; i < 5; ++i) failed.push_back(injector.write_fault("configmaps").has_value());
  EXPECT_EQ(failed, (std::vector<bool>{true, false, true, false, false}));
  EXPECT_EQ(injector.injected_failures(), 2u);
}

TEST(FaultInjector, CarriesCodeAndRetryAfter) {
  FaultConfig config = failing(1, 429);
  config.retry_after_seconds = 5;
  FaultInjector injector(config, scripted({0.0}));
  auto fault = injector.write_fault("pods");
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->code, 429);
  EXPECT_EQ(fault->retry_after_seconds, 5);
}

TEST(FaultInjector, RateZeroNeverFailsAndRateOneAlwaysDoes) {
  FaultInjector off(failing(0), scripted({0.0}));
  FaultInjector on(failing(1), scripted({0.999999}));
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(off.write_fault("pods"));
    EXPECT_TRUE(on.write_fault("pods"));
  }
  EXPECT_EQ(off.injected_failures(), 0u);
  EXPECT_EQ(on.injected_failures(), 100u);
}

TEST(FaultInjector, OnlyTheListedResources) {
  FaultConfig config = failing(1);
  config.resources = {"configmaps"};
  FaultInjector injector(config, scripted({0.0}));
  EXPECT_TRUE(injector.write_fault("configmaps"));
  EXPECT_FALSE(injector.write_fault("leases"));
}

TEST(FaultInjector, HonoursTheRateOverManyWrites) {
  std::mt19937_64 engine(42);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  FaultInjector injector(failing(0.3), [&] { return uniform(engine); });
  int failures = 0;
  for (int i = 0; i < 10000; ++i) failures += injector.write_fault("pods") ? 1 : 0;
  EXPECT_GT(failures, 2700);
  EXPECT_LT(failures, 3300);
}

TEST(FaultInjector, DefaultRandomSourceWorks) {
  FaultInjector injector(failing(0.5));
  int failures = 0;
  for (int i = 0; i < 1000; ++i) failures += injector.write_fault("pods") ? 1 : 0;
  EXPECT_GT(failures, 0);
  EXPECT_LT(failures, 1000);
}

TEST(FaultInjector, NewSettingsApplyToTheNextRequest) {
  FaultInjector injector({}, scripted({0.0}));
  EXPECT_EQ(injector.latency().count(), 0);
  EXPECT_FALSE(injector.write_fault("pods"));
  FaultConfig config = failing(1);
  config.latency_ms = 40;
  injector.set_config(config);
  EXPECT_EQ(injector.latency().count(), 40);
  EXPECT_TRUE(injector.write_fault("pods"));
  EXPECT_EQ(injector.config(), config);
}

TEST(FaultInjector, DescribesWhatIsInForce) {
  EXPECT_EQ(describe(FaultConfig{}), "write faults off, latency 0 ms");
  FaultConfig config = failing(0.5, 429);
  config.resources = {"configmaps", "pods"};
  config.retry_after_seconds = 2;
  EXPECT_EQ(describe(config),
            "50% of writes to configmaps,pods fail with 429 (Retry-After 2s), latency 0 ms");
}

}  // namespace
}  // namespace dynop::localcluster::faults
