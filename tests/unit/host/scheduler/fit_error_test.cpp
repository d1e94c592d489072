#include "host/scheduler/fit_error.hpp"

#include <gtest/gtest.h>

namespace dynop::host::scheduler {
namespace {

TEST(FitError, CountsSortedAsKubeSchedulerSortsThem) {
  // sort.Strings on "<count> <reason>": "10 node(s)..." before "4990 Insufficient...".
  EXPECT_EQ(fit_error_message(5000, {{"Insufficient nvidia.com/gpu", 4990},
                                     {"node(s) had untolerated taint {gpu: reserved}", 10}}),
            "0/5000 nodes are available: 10 node(s) had untolerated taint {gpu: reserved}, 4990 "
            "Insufficient nvidia.com/gpu.");
  EXPECT_EQ(fit_error_message(3, {{"Insufficient cpu", 1}, {"Insufficient nvidia.com/gpu", 3}}),
            "0/3 nodes are available: 1 Insufficient cpu, 3 Insufficient nvidia.com/gpu.");
  EXPECT_EQ(fit_error_message(0, {}), "0/0 nodes are available: .");
  EXPECT_EQ(pre_filter_error_message(2, "pod group g has 1 of its 4 pods"),
            "0/2 nodes are available: pod group g has 1 of its 4 pods.");
}

}  // namespace
}  // namespace dynop::host::scheduler
