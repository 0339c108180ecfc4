// Unit tests of SkipList (skiplist.h) and ZSetValue (zset_value.h): order by
// (score, member bytes), spans and ranks checked against a sorted model after
// random inserts, deletes and score updates, the listpack -> skiplist
// conversion points, and that every byte goes back to the counter.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "core/skiplist.h"
#include "core/zset_ranges.h"
#include "core/zset_value.h"

using namespace ember;

namespace {

using Model = std::set<std::pair<double, std::string>>;

std::vector<std::pair<double, std::string>> listOf(const SkipList& list) {
  std::vector<std::pair<double, std::string>> out;
  for (SkipNode* x = list.first(); x; x = x->next()) out.emplace_back(x->score, std::string(x->member()));
  return out;
}

std::vector<std::pair<double, std::string>> listOf(const ZSetValue& zs) {
  std::vector<std::pair<double, std::string>> out;
  zs.forEach([&](ByteView m, double s) { out.emplace_back(s, std::string(m)); });
  return out;
}

}  // namespace

TEST(ties_are_ordered_by_member_bytes) {
  MemoryCounter mem;
  {
    SkipList list(mem);
    list.insert(1, "b");
    list.insert(1, "a");
    list.insert(1, std::string("a\0", 2));
    list.insert(1, "\xff");
    list.insert(1, "");
    list.insert(0, "zz");
    std::vector<std::string> members;
    for (SkipNode* x = list.first(); x; x = x->next()) members.emplace_back(x->member());
    std::vector<std::string> expected = {"zz", "", "a", std::string("a\0", 2), "b", "\xff"};
    CHECK(members == expected);
    CHECK(list.verify() == nullptr);
  }
  CHECK_EQ(mem.used, int64_t{0});
}

TEST(random_operations_match_a_sorted_model) {
  MemoryCounter mem;
  {
    SkipList list(mem);
    Model model;
    std::map<std::string, SkipNode*> nodes;
    std::mt19937_64 rng(42);
    for (int step = 0; step < 20000; step++) {
      std::string member = "m" + std::to_string(rng() % 600);
      double score = static_cast<double>(rng() % 50) / 4.0;
      auto it = nodes.find(member);
      switch (rng() % 3) {
        case 0:
          if (it == nodes.end()) {
            nodes[member] = list.insert(score, member);
            model.emplace(score, member);
          }
          break;
        case 1:
          if (it != nodes.end()) {
            model.erase({it->second->score, member});
            list.erase(it->second);
            nodes.erase(it);
          }
          break;
        default:
          if (it != nodes.end()) {
            model.erase({it->second->score, member});
            it->second = list.updateScore(it->second, score);
            model.emplace(score, member);
          }
      }
      if (step % 997 == 0) REQUIRE(list.verify() == nullptr);
    }
    REQUIRE(list.verify() == nullptr);
    std::vector<std::pair<double, std::string>> expected(model.begin(), model.end());
    CHECK(listOf(list) == expected);
    CHECK_EQ(list.size(), model.size());
    // Ranks both ways.
    size_t rank = 1;
    for (const auto& [score, member] : model) {
      SkipNode* n = nodes[member];
      CHECK_EQ(list.rankOf(n), rank);
      CHECK(list.atRank(rank) == n);
      rank++;
    }
    CHECK(list.atRank(0) == nullptr);
    CHECK(list.atRank(model.size() + 1) == nullptr);
    // countWhile: members strictly below a score.
    for (double bound : {0.0, 1.0, 5.25, 100.0}) {
      size_t want = 0;
      for (const auto& e : model) want += e.first < bound;
      CHECK_EQ(list.countWhile([&](double s, ByteView) { return s < bound; }), want);
    }
  }
  CHECK_EQ(mem.used, int64_t{0});
}

TEST(zset_converts_exactly_past_the_limits) {
  MemoryCounter mem;
  const ZSetLimits limits{128, 64};
  {
    ZSetValue zs(mem);
    for (int i = 0; i < 128; i++) zs.insert("m" + std::to_string(i), i % 5, limits);
    CHECK(zs.isListpack());
    CHECK(zs.verify() == nullptr);
    auto before = listOf(zs);
    zs.insert("one-more", 2, limits);
    CHECK(!zs.isListpack());
    CHECK(zs.verify() == nullptr);
    CHECK_EQ(zs.size(), size_t{129});
    CHECK(zs.remove("one-more"));
    CHECK(listOf(zs) == before);  // same order in both encodings
    zs.convertToListpackIfFits(limits);
    CHECK(zs.isListpack());
    CHECK(listOf(zs) == before);
  }
  {
    ZSetValue zs(mem);
    zs.insert(std::string(64, 'x'), 1, limits);
    CHECK(zs.isListpack());
    zs.insert(std::string(65, 'y'), 1, limits);
    CHECK(!zs.isListpack());
    CHECK(zs.verify() == nullptr);
  }
  CHECK_EQ(mem.used, int64_t{0});
}

TEST(zset_listpack_and_skiplist_agree) {
  MemoryCounter mem;
  {
    ZSetValue small(mem), big(mem);
    big.convertToSkiplist();
    std::mt19937_64 rng(7);
    for (int step = 0; step < 5000; step++) {
      std::string member = "k" + std::to_string(rng() % 60);
      double score = static_cast<double>(rng() % 9) - 4;
      const ZSetLimits wide{1000, 1000};
      if (rng() % 4 == 0) {
        {
          bool a = small.remove(member), b = big.remove(member);
          CHECK(a == b);
        }
      } else if (small.score(member)) {
        small.update(member, score);
        big.update(member, score);
      } else {
        small.insert(member, score, wide);
        big.insert(member, score, wide);
      }
      if (small.size() > 0) {
        CHECK(small.rank(member) == big.rank(member));
        size_t below = small.countWhile([](double s, ByteView) { return s < 0; });
        CHECK_EQ(below, big.countWhile([](double s, ByteView) { return s < 0; }));
      }
    }
    CHECK(small.verify() == nullptr);
    CHECK(big.verify() == nullptr);
    CHECK(listOf(small) == listOf(big));
    // Reverse walks agree too.
    if (small.size() > 2) {
      std::vector<std::string> a, b;
      small.forRange(1, small.size() - 1, true, [&](ByteView m, double) { a.emplace_back(m); return true; });
      big.forRange(1, big.size() - 1, true, [&](ByteView m, double) { b.emplace_back(m); return true; });
      CHECK(a == b);
    }
    Collection* copy = big.clone(big.storeMemory());
    CHECK(listOf(*static_cast<ZSetValue*>(copy)) == listOf(big));
    destroyCollection(copy);
  }
  CHECK_EQ(mem.used, int64_t{0});
}

TEST(score_text_and_ranges) {
  char buf[kScoreTextMax];
  CHECK(formatScore(0.1, buf) == "0.10000000000000001");
  CHECK(formatScore(1e300, buf) == "1.0000000000000001e+300");
  CHECK(formatScore(3.0, buf) == "3");
  CHECK(formatScore(-0.0, buf) == "-0");
  CHECK(formatScore(1.0 / 0.0, buf) == "inf");
  CHECK(formatScore(-1.0 / 0.0, buf) == "-inf");
  CHECK(parseScore("1e400") == std::nullopt);
  CHECK(parseScore(" 1") == std::nullopt);
  CHECK(parseScore("nan") == std::nullopt);
  CHECK(parseScore("") == std::nullopt);
  CHECK(parseScore("0x10") == std::optional<double>(16));
  CHECK(parseScoreRange("", "(1").has_value());
  CHECK(!parseScoreRange("1 ", "2").has_value());
  CHECK(parseLexRange("-", "+").has_value());
  CHECK(!parseLexRange("a", "+").has_value());
  CHECK(parseLexRange("-", "-")->empty());
  CHECK(!parseLexRange("[a", "[a")->empty());
  CHECK(parseLexRange("[a", "(a")->empty());
}
