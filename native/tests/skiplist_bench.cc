// Microbenchmark for SkipList (not a test: ctest does not run it). Build by
// hand and run:
//
//   g++ -std=c++20 -O2 -DNDEBUG -Inative native/tests/skiplist_bench.cc
//       native/core/skiplist.cc -o /tmp/skiplist_bench
//   /tmp/skiplist_bench
//
// For 10k, 100k and 1M members ("member:<i>", score i, inserted in score
// order as bench/datatypes.mjs builds its sorted set) it prints ns/op for
// rankOf, atRank and updateScore of random members to random scores (the
// node pointers are known, as the member -> node map hands them out), and
// the ratio of 1M to 10k: what bench:datatypes shows for ZRANK and ZADD
// without the command, the map lookup and the JavaScript call around it.
// Each figure is the median of 5 rounds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/skiplist.h"

namespace {

using Clock = std::chrono::steady_clock;

template <class Op>
double medianNsPerOp(size_t ops, Op&& op) {
  std::vector<double> rounds;
  for (int r = 0; r < 5; r++) {
    auto start = Clock::now();
    for (size_t i = 0; i < ops; i++) op(i);
    rounds.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() / ops);
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[2];
}

struct Result {
  double rank, atRank, update;
};

Result run(size_t n) {
  ember::MemoryCounter memory;
  ember::SkipList list(memory);
  std::vector<ember::SkipNode*> nodes;
  nodes.reserve(n);
  for (size_t i = 0; i < n; i++) {
    std::string member = "member:" + std::to_string(i);
    nodes.push_back(list.insert(static_cast<double>(i), ember::ByteView(member)));
  }
  std::mt19937_64 rng(42);
  const size_t ops = 1'000'000;
  std::vector<uint32_t> picks(ops);
  for (auto& p : picks) p = static_cast<uint32_t>(rng() % n);
  size_t sink = 0;
  Result r{};
  r.rank = medianNsPerOp(ops, [&](size_t i) { sink += list.rankOf(nodes[picks[i]]); });
  r.atRank = medianNsPerOp(ops, [&](size_t i) { sink += list.atRank(picks[i] + 1)->length; });
  r.update = medianNsPerOp(ops, [&](size_t i) {
    uint32_t k = picks[i];
    nodes[k] = list.updateScore(nodes[k], static_cast<double>(picks[ops - 1 - i]));
  });
  if (sink == 42) std::puts("");
  return r;
}

}  // namespace

int main() {
  const size_t sizes[] = {10'000, 100'000, 1'000'000};
  Result results[3];
  std::printf("%10s %12s %12s %12s\n", "members", "rankOf", "atRank", "updateScore");
  for (int s = 0; s < 3; s++) {
    results[s] = run(sizes[s]);
    std::printf("%10zu %9.0f ns %9.0f ns %9.0f ns\n", sizes[s], results[s].rank, results[s].atRank, results[s].update);
  }
  std::printf("%10s %11.2fx %11.2fx %11.2fx\n", "1M / 10k", results[2].rank / results[0].rank,
              results[2].atRank / results[0].atRank, results[2].update / results[0].update);
}
