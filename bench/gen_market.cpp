// cunji_benchgen: builds a large, reproducible marketplace database for the benchmark
// (scripts/bench): counties, villages, farmers and their shops, listings, buyers with live
// sessions, and years of order history. Everything goes through the storage functions the
// server uses (place_order and transition_order included, with an explicit "now" per order),
// so the database has exactly the rows, FTS entries, stock counters and ledger postings real
// traffic would have produced.
//
//   cunji_benchgen --db PATH --seed N [--counties 100] [--villages 1000] [--shops 10000]
//                  [--listings 100000] [--buyers 2000] [--orders 1000000] [--days 730]
//                  [--batch 20000] [--now UNIX_SECONDS] [--out PREFIX]
//
// The rows depend only on the seed and the sizes; timestamps are relative to --now (default:
// the current time): the orders' created_at is spread over the last --days days, the catalog is
// older than the first order. Order popularity is Zipf-like (rank r of a random permutation of
// the orderable listings gets weight 1/r): a few listings get most orders. Statuses follow a
// simple lifecycle: most orders are delivered, some are still placed, paid or shipped, some
// are cancelled (before or after payment); an order's moves happen at increasing times and
// every move is applied in time order across all orders.
//
// --out PREFIX writes, for the benchmark scripts:
//   PREFIX.ids        ids of the active (browsable) listings, one per line
//   PREFIX.orderable  "shop_id listing_id" of active listings with stock (ample: 1-2 million)
//   PREFIX.tokens     bearer tokens of the buyers' sessions, one per line
//   PREFIX.farmer     "shop_id token": a session of the farmer owning the first shop
// Tokens are derived from the seed (bench data only) and their sessions expire in 10 years.
#include <fmt/format.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/system_executor.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "core/order.hpp"
#include "market_names.hpp"
#include "server/crypto.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sql/order_moves.hpp"
#include "storage/sql/orders.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sqlite/database.hpp"
#include "tools/bench_fixtures.hpp"

namespace {

using namespace cunji;
using namespace cunji::benchgen;

// --- options -------------------------------------------------------------------------------

struct options {
  std::string db;
  std::uint64_t seed = 1;
  int counties = 100;
  int villages = 1000;
  int shops = 10000;
  int listings = 100000;
  int buyers = 2000;
  std::int64_t orders = 1000000;
  int days = 730;
  int batch = 20000;
  std::optional<std::int64_t> now;
  std::string out;
};

constexpr std::string_view usage =
    "usage: cunji_benchgen --db PATH --seed N [--counties 100] [--villages 1000] [--shops 10000] "
    "[--listings 100000] [--buyers 2000] [--orders 1000000] [--days 730] [--batch 20000] [--now UNIX_SECONDS] "
    "[--out PREFIX]\n";

template <class T>
T number(std::string_view flag, std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  bool negative = false;
  if constexpr (std::is_signed_v<T>) negative = v < 0;
  if (ec != std::errc{} || p != s.data() + s.size() || negative)
    throw std::invalid_argument(fmt::format("{} needs a non-negative number", flag));
  return v;
}

options parse(int argc, char** argv) {
  options o;
  bool have_seed = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view f = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(fmt::format("{} needs a value", f));
    const std::string_view v = argv[++i];
    if (f == "--db") o.db = v;
    else if (f == "--seed") {
      o.seed = number<std::uint64_t>(f, v);
      have_seed = true;
    } else if (f == "--counties") o.counties = number<int>(f, v);
    else if (f == "--villages") o.villages = number<int>(f, v);
    else if (f == "--shops") o.shops = number<int>(f, v);
    else if (f == "--listings") o.listings = number<int>(f, v);
    else if (f == "--buyers") o.buyers = number<int>(f, v);
    else if (f == "--orders") o.orders = number<std::int64_t>(f, v);
    else if (f == "--days") o.days = number<int>(f, v);
    else if (f == "--batch") o.batch = number<int>(f, v);
    else if (f == "--now") o.now = number<std::int64_t>(f, v);
    else if (f == "--out") o.out = v;
    else throw std::invalid_argument(fmt::format("unknown option {}", f));
  }
  if (o.db.empty() || !have_seed) throw std::invalid_argument("--db and --seed are required");
  if (o.counties < 1 || o.villages < o.counties || o.shops < 1 || o.listings < 0)
    throw std::invalid_argument("need counties >= 1, villages >= counties, shops >= 1");
  if (o.orders > 0 && (o.buyers < 1 || o.listings < 1))
    throw std::invalid_argument("orders need at least one buyer and one listing");
  if (o.days < 1 || o.batch < 1) throw std::invalid_argument("need days >= 1 and batch >= 1");
  return o;
}

// --- generation ----------------------------------------------------------------------------

constexpr int rows_per_command = 10000;
constexpr std::int64_t day = 24 * 3600;

struct region_rows {
  std::vector<std::int64_t> county_ids;
  std::vector<std::int64_t> village_ids;
};

struct orderable {
  std::size_t shop;  // index into the shops (and their farmers)
  std::int64_t listing_id;
};

// A lifecycle move of a historical order, applied when the history reaches its time.
struct planned_move {
  unix_seconds at;
  std::uint64_t seq;  // tie-break: the order the moves were planned in
  std::int64_t order_id;
  std::uint32_t buyer;
  std::uint32_t shop;
  order_action action;
};
struct later {
  bool operator()(const planned_move& a, const planned_move& b) const {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
};

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path);
  for (const auto& l : lines) fmt::print(f, "{}\n", l);
  if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path);
}

// Runs fn(c, i) for every i in [from, to) as one writer command each, submitted all at once,
// and waits for them. The writer groups queued commands into transactions (up to its
// max_batch), each command in its own SAVEPOINT, so every command's journal stays small. The
// commands run one after another on the writer thread in submission order, so random choices
// made inside them are reproducible. Throws on the first failure.
template <class Fn>
void run_each(storage::database& db, std::int64_t from, std::int64_t to, Fn& fn) {
  std::mutex m;
  std::condition_variable cv;
  std::int64_t pending = to - from;
  std::string failure;
  if (pending <= 0) return;
  auto on_done = [&](std::exception_ptr e, result<int> r) {
    std::lock_guard lk(m);
    if (failure.empty()) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          failure = x.what();
        }
      } else if (!r) {
        failure = r.err().detail;
      }
    }
    if (--pending == 0) cv.notify_all();
  };
  for (std::int64_t i = from; i < to; ++i)
    db.writer().async_submit([&fn, i](storage::connection& c) -> result<int> { return fn(c, i); },
                             boost::asio::bind_executor(boost::asio::system_executor(), on_done));
  std::unique_lock lk(m);
  cv.wait(lk, [&] { return pending == 0; });
  if (!failure.empty()) throw std::runtime_error(failure);
}

// The timeline of the generated marketplace: regions, then shops, then a month of listings,
// then the order history over the last `days` days up to `now`. Listing k is created after
// listing k-1, so newest-first is id order, as in real traffic.
struct timeline {
  unix_seconds now, history_start, catalog_start, regions_at, shops_at;
  int listings;
  explicit timeline(const options& o)
      : now(o.now ? *o.now : static_cast<unix_seconds>(std::time(nullptr))),
        history_start(now - o.days * day),
        catalog_start(history_start - 30 * day),
        regions_at(catalog_start - 60 * day),
        shops_at(catalog_start - 30 * day),
        listings(o.listings) {}
  unix_seconds listing_at(int k) const {
    return catalog_start + static_cast<unix_seconds>(static_cast<std::int64_t>(k) * (29 * day) / std::max(1, listings));
  }
};

storage::database_options database_options_for(const options& o) {
  if (std::filesystem::exists(o.db))
    throw std::invalid_argument(fmt::format("{} exists; generate into a new file", o.db));
  storage::database_options dbo;
  dbo.path = o.db;
  dbo.synchronous = "NORMAL";  // a bulk load; the benchmark serves it with FULL
  dbo.max_batch = static_cast<std::size_t>(o.batch);
  return dbo;
}

// Bench data: one cheap hash shared by every account (logins work, nobody waits for argon2).
std::string bench_password_hash() {
  server::crypto_init();
  return server::hash_password("cunji-bench-2026", server::password_params{1, 8192});
}

// Generates the marketplace, one step per kind of row in timeline order. Every step draws from
// the one generator in a fixed order, so the rows depend only on the seed and the sizes.
class market_generator {
 public:
  explicit market_generator(const options& o)
      : o_(o), db_(database_options_for(o)), password_hash_(bench_password_hash()), rng_(o.seed), time_(o) {}

  void run() {
    make_regions();
    make_shops();
    make_listings();
    make_buyers();
    if (o_.orders > 0) make_order_history();
    settle();
    db_.close_writer();
    if (!o_.out.empty()) write_outputs();
    print_summary();
  }

 private:
  class order_history;

  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count(); }

  // Counties (exactly 30% poverty-stricken, at random) and villages: one command.
  void make_regions() {
    auto regions = db_.writer().submit_sync([&](storage::connection& c) -> result<region_rows> {
      if (storage::count_counties(c) > 0) return error{errc::conflict, "the database already has counties"};
      tools::tune_for_bulk_load(c);  // journals in memory from the next command on
      std::vector<bool> poverty(static_cast<std::size_t>(o_.counties), false);
      std::fill_n(poverty.begin(), (o_.counties * 3 + 5) / 10, true);
      std::shuffle(poverty.begin(), poverty.end(), rng_);
      region_rows r;
      for (int i = 0; i < o_.counties; ++i)
        r.county_ids.push_back(storage::insert_county(c, place_name(rng_, "县"), pick(rng_, provinces),
                                                      poverty[static_cast<std::size_t>(i)], time_.regions_at)
                                   .id);
      for (int i = 0; i < o_.villages; ++i) {
        // Every county gets a village first, then villages land on counties at random.
        const auto county = i < o_.counties ? r.county_ids[static_cast<std::size_t>(i)] : pick(rng_, r.county_ids);
        auto v = storage::insert_village(c, county, place_name(rng_, "村"), time_.regions_at);
        if (!v) return v.err();
        r.village_ids.push_back(v->id);
      }
      return r;
    });
    if (!regions) throw std::runtime_error("regions: " + regions.err().detail);
    regions_ = std::move(regions.value());
    fmt::print(stderr, "benchgen: {} counties ({} poverty-stricken), {} villages ({:.1f}s)\n", o_.counties,
               (o_.counties * 3 + 5) / 10, o_.villages, elapsed());
  }

  // Farmers and their shops (shop i is owned by farmer i).
  void make_shops() {
    shops_.reserve(static_cast<std::size_t>(o_.shops));
    farmers_.reserve(static_cast<std::size_t>(o_.shops));
    for (int from = 0; from < o_.shops; from += rows_per_command) {
      const int to = std::min(o_.shops, from + rows_per_command);
      auto done = db_.writer().submit_sync([&](storage::connection& c) -> result<int> {
        for (int i = from; i < to; ++i)
          if (auto e = add_farmer_shop(c, i)) return *e;
        return to - from;
      });
      if (!done) throw std::runtime_error("shops: " + done.err().detail);
    }
    fmt::print(stderr, "benchgen: {} farmers and shops ({:.1f}s)\n", shops_.size(), elapsed());
  }

  std::optional<error> add_farmer_shop(storage::connection& c, int i) {
    static const std::vector<const char*> shop_suffixes{"农家店", "土特产", "家庭农场", "山货铺",
                                                        "合作社", "果园",   "优选",     "直营店"};
    const auto village = i < o_.villages ? regions_.village_ids[static_cast<std::size_t>(i)]
                                         : pick(rng_, regions_.village_ids);
    const std::string surname = pick(rng_, surnames);
    registration r;
    r.role = role::farmer;
    r.name = surname + pick(rng_, given);
    r.phone = fmt::format("190{:08d}", i + 1);  // the stored form of +86190...
    r.village_id = village;
    auto a = storage::insert_account(c, r, password_hash_, time_.shops_at + i);
    if (!a) return a.err();
    storage::new_shop ns;
    ns.village_id = village;
    ns.name = fmt::format("{}家{}{}", surname, pick(rng_, shop_suffixes), i + 1);
    ns.description = fmt::format("{}经营的网店。", r.name);
    ns.owner_account_id = a->id;
    auto s = storage::insert_shop(c, ns, time_.shops_at + i);
    if (!s) return s.err();
    farmers_.push_back(std::move(a.value()));
    shops_.push_back(std::move(s.value()));
    return std::nullopt;
  }

  // Listings: Zipf-ish categories (weight 1/rank); every shop gets one, then they land at random.
  void make_listings() {
    std::vector<double> weights;
    for (std::size_t i = 0; i < category_count(); ++i) weights.push_back(1.0 / static_cast<double>(i + 1));
    std::discrete_distribution<std::size_t> category_dist(weights.begin(), weights.end());
    auto add_listing = [&](storage::connection& c, std::int64_t k64) -> result<int> {
      const int k = static_cast<int>(k64);
      const auto si = k < o_.shops ? static_cast<std::size_t>(k)
                                   : std::uniform_int_distribution<std::size_t>(0, shops_.size() - 1)(rng_);
      auto l = make_listing(rng_, category_dist);
      ++per_category_[l.category];
      if (l.status == listing_status::draft) ++drafts_;
      const auto id = storage::insert_listing(c, shops_[si], l, time_.listing_at(k)).id;
      if (l.status == listing_status::active) {
        active_ids_.push_back(id);
        if (l.stock > 0) can_order_.push_back({si, id});
      }
      return 1;
    };
    for (int from = 0; from < o_.listings; from += rows_per_command)
      run_each(db_, from, std::min(o_.listings, from + rows_per_command), add_listing);
    fmt::print(stderr, "benchgen: {} listings, {} orderable ({:.1f}s)\n", o_.listings, can_order_.size(), elapsed());
  }

  // Buyers, each with a live session; and a session for the farmer of the first shop.
  void make_buyers() {
    for (int from = 0; from < o_.buyers || (from == 0 && farmer_token_.empty()); from += rows_per_command) {
      const int to = std::min(o_.buyers, from + rows_per_command);
      auto done = db_.writer().submit_sync([&](storage::connection& c) -> result<int> {
        const auto expires = time_.now + 10 * 365 * day;
        for (int i = from; i < to; ++i) {
          registration r;
          r.role = role::buyer;
          r.name = std::string(pick(rng_, surnames)) + pick(rng_, given);
          r.phone = fmt::format("191{:08d}", i + 1);
          auto a = storage::insert_account(c, r, password_hash_, time_.history_start - day + i);
          if (!a) return a.err();
          auto token = bench_token(rng_);
          storage::insert_session(c, server::hash_token(token), a->id, time_.now, expires);
          buyers_.push_back(std::move(a.value()));
          tokens_.push_back(std::move(token));
        }
        if (from == 0) {
          farmer_token_ = bench_token(rng_);
          storage::insert_session(c, server::hash_token(farmer_token_), farmers_.front().id, time_.now, expires);
        }
        return to - from;
      });
      if (!done) throw std::runtime_error("buyers: " + done.err().detail);
    }
    fmt::print(stderr, "benchgen: {} buyers with sessions ({:.1f}s)\n", buyers_.size(), elapsed());
  }

  void make_order_history();

  // The history brought to rest at `now`, as a server running all along would have left it
  // (tools::settle_history), one writer command a step.
  void settle() {
    tools::settled total;
    for (bool done = false; !done;) {
      auto step = db_.writer().submit_sync(
          [&](storage::connection& c) -> result<tools::settled> { return tools::settle_history(c, time_.now); });
      if (!step) throw std::runtime_error("settling: " + step.err().detail);
      total.unpaid_cancelled += step->unpaid_cancelled;
      total.auto_delivered += step->auto_delivered;
      total.returned_to_shop += step->returned_to_shop;
      total.refunds_confirmed += step->refunds_confirmed;
      done = step->done;
    }
    per_status_[order_status::placed] -= total.unpaid_cancelled;
    per_status_[order_status::cancelled] += total.unpaid_cancelled;
    per_status_[order_status::shipped] -= total.auto_delivered;
    per_status_[order_status::delivered] += total.auto_delivered;
    fmt::print(stderr, "benchgen: settled: {} unpaid orders cancelled, {} delivered, {} refunds confirmed ({:.1f}s)\n",
               total.unpaid_cancelled, total.auto_delivered, total.refunds_confirmed, elapsed());
  }

  void write_outputs() const {
    std::vector<std::string> lines;
    for (const auto id : active_ids_) lines.push_back(std::to_string(id));
    write_lines(o_.out + ".ids", lines);
    lines.clear();
    for (const auto& x : can_order_) lines.push_back(fmt::format("{} {}", shops_[x.shop].id, x.listing_id));
    write_lines(o_.out + ".orderable", lines);
    write_lines(o_.out + ".tokens", tokens_);
    write_lines(o_.out + ".farmer", {fmt::format("{} {}", shops_.front().id, farmer_token_)});
  }

  void print_summary() const {
    std::string mix;
    for (const auto& [cat, n] : per_category_) mix += fmt::format(" {}={}", cat, n);
    std::string statuses;
    for (const auto& [st, n] : per_status_) statuses += fmt::format(" {}={}", to_string(st), n);
    fmt::print(
        "generated {} counties, {} villages, {} shops, {} listings ({} drafts), {} buyers, {} orders in {:.1f}s "
        "into {}\ncategories:{}\norder statuses:{}\norders: {:.1f}s, {:.0f} orders/s (place_order and "
        "transition_order, one writer command per order, transactions of up to {} commands)\n",
        o_.counties, o_.villages, shops_.size(), o_.listings, drafts_, buyers_.size(), o_.orders, elapsed(), o_.db, mix,
        statuses, orders_s_, orders_s_ > 0 ? static_cast<double>(o_.orders) / orders_s_ : 0.0, o_.batch);
  }

  const options& o_;
  const std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  storage::database db_;
  const std::string password_hash_;
  std::mt19937_64 rng_;
  const timeline time_;

  region_rows regions_;
  std::vector<shop> shops_;
  std::vector<account> farmers_;
  std::map<std::string, int> per_category_;
  int drafts_ = 0;
  std::vector<std::int64_t> active_ids_;
  std::vector<orderable> can_order_;
  std::vector<account> buyers_;
  std::vector<std::string> tokens_;
  std::string farmer_token_;
  std::map<order_status, std::int64_t> per_status_;
  double orders_s_ = 0;
};

// The order history: one writer command per order, which first applies the moves of earlier
// orders that fall due before it; every move is applied in time order across all orders.
class market_generator::order_history {
 public:
  explicit order_history(market_generator& g) : g_(g), span_(g.o_.days * day) {
    // Popularity: a random permutation of the orderable listings, rank r weighted 1/r.
    by_rank_.resize(g.can_order_.size());
    for (std::size_t i = 0; i < by_rank_.size(); ++i) by_rank_[i] = i;
    std::shuffle(by_rank_.begin(), by_rank_.end(), g.rng_);
    std::vector<double> zipf(g.can_order_.size());
    for (std::size_t r = 0; r < zipf.size(); ++r) zipf[r] = 1.0 / static_cast<double>(r + 1);
    rank_dist_ = std::discrete_distribution<std::size_t>(zipf.begin(), zipf.end());
    buyer_dist_ = std::uniform_int_distribution<std::uint32_t>(0, static_cast<std::uint32_t>(g.buyers_.size() - 1));
    final_status_.reserve(static_cast<std::size_t>(g.o_.orders));
  }

  // Places order i (spread evenly over the history, with jitter; never before the previous
  // order) after the moves due before it, and plans its own moves.
  result<int> place_one(storage::connection& c, std::int64_t i) {
    const auto& o = g_.o_;
    const std::int64_t slot = span_ / o.orders;
    const unix_seconds at = g_.time_.history_start + i * span_ / o.orders +
                            (slot > 1 ? std::uniform_int_distribution<std::int64_t>(0, slot - 1)(g_.rng_) : 0);
    if (auto e = apply_due(c, at)) return *e;

    const auto& item = g_.can_order_[by_rank_[rank_dist_(g_.rng_)]];
    const auto buyer = buyer_dist_(g_.rng_);
    storage::place_order_request req;
    req.shop_id = g_.shops_[item.shop].id;
    const double q = std::uniform_real_distribution<double>(0, 1)(g_.rng_);
    const std::int64_t quantity = q < 0.75   ? 1
                                  : q < 0.92 ? 2
                                             : std::uniform_int_distribution<std::int64_t>(3, 5)(g_.rng_);
    req.items.push_back({item.listing_id, quantity});
    // Delivered to an address: the generated buyers live in no village, so they have no
    // station, and the direct moves below (deliver by the placer) are those of address orders.
    req.delivery = delivery_method::address;
    req.address = fmt::format("{}{}{}{}号", pick(g_.rng_, provinces), place_name(g_.rng_, "县"),
                              place_name(g_.rng_, "村"), std::uniform_int_distribution<int>(1, 300)(g_.rng_));
    req.caller = g_.buyers_[buyer];
    req.now = at;
    auto placed = storage::place_order(c, req);
    if (!placed) return placed.err();
    final_status_.push_back(plan_moves(placed->id, buyer, static_cast<std::uint32_t>(item.shop), at));
    return 1;
  }

  // Applies every planned move due at or before `until`, in time order.
  std::optional<error> apply_due(storage::connection& c, unix_seconds until) {
    while (!moves_.empty() && moves_.top().at <= until) {
      const auto m = moves_.top();
      moves_.pop();
      if (auto e = apply(c, m)) return e;
    }
    return std::nullopt;
  }

  const std::vector<order_status>& final_status() const { return final_status_; }

 private:
  // The plan: mostly delivered; some still placed, paid or shipped; some cancelled before or
  // after payment. Moves that would fall after `now` do not happen (yet). Returns the status
  // the order ends in.
  order_status plan_moves(std::int64_t order_id, std::uint32_t buyer, std::uint32_t shop, unix_seconds at) {
    auto& rng = g_.rng_;
    const double p = std::uniform_real_distribution<double>(0, 1)(rng);
    const bool cancel_unpaid = p < 0.03, cancel_paid = p >= 0.03 && p < 0.06;
    const order_status target = p < 0.06   ? order_status::cancelled
                                : p < 0.08 ? order_status::placed
                                : p < 0.11 ? order_status::paid
                                : p < 0.15 ? order_status::shipped
                                           : order_status::delivered;
    auto u = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
    const unix_seconds pay_at = at + u(60, 2 * 3600);
    const unix_seconds ship_at = pay_at + u(2 * 3600, 2 * day);
    const unix_seconds deliver_at = ship_at + u(day, 6 * day);
    const unix_seconds cancel_at = (cancel_paid ? pay_at : at) + u(600, day);
    order_status status = order_status::placed;
    auto plan = [&](unix_seconds when, order_action a, order_status after) {
      if (when > g_.time_.now) return false;
      moves_.push(planned_move{when, seq_++, order_id, buyer, shop, a});
      status = after;
      return true;
    };
    if (cancel_unpaid) {
      plan(cancel_at, order_action::cancel, order_status::cancelled);
    } else if (target != order_status::placed && plan(pay_at, order_action::pay, order_status::paid)) {
      if (cancel_paid) plan(cancel_at, order_action::cancel, order_status::cancelled);
      else if ((target == order_status::shipped || target == order_status::delivered) &&
               plan(ship_at, order_action::ship, order_status::shipped) && target == order_status::delivered)
        plan(deliver_at, order_action::deliver, order_status::delivered);
    }
    return status;
  }

  std::optional<error> apply(storage::connection& c, const planned_move& m) {
    static const std::vector<const char*> cancel_reasons{"买家不想要了", "拍错了", "地址填错", "卖家缺货",
                                                         "changed my mind"};
    auto& rng = g_.rng_;
    storage::transition_request tr;
    tr.order_id = m.order_id;
    tr.action = m.action;
    tr.caller = m.action == order_action::ship ? g_.farmers_[m.shop] : g_.buyers_[m.buyer];
    tr.now = m.at;
    if (m.action == order_action::pay) {
      // Paid through Alipay (the notification is what pays it; here it succeeded at once).
      auto o = storage::find_order(c, m.order_id);
      if (!o) return error{errc::not_found, "no such order"};
      storage::pay_in_full(c, *o, payment_method::alipay, fmt::format("2026{:024d}", rng() % 10'000'000'000'000'000ULL),
                           std::nullopt, m.at);
      return std::nullopt;
    }
    if (m.action == order_action::ship) {
      if (chance(rng, 0.8)) tr.tracking = fmt::format("YT{:012d}", rng() % 1'000'000'000'000ULL);
    } else if (m.action == order_action::cancel) {
      tr.reason = pick(rng, cancel_reasons);
    }
    auto r = storage::transition_order(c, tr);
    if (!r) return r.err();
    return std::nullopt;
  }

  market_generator& g_;
  const std::int64_t span_;
  std::vector<std::size_t> by_rank_;
  std::discrete_distribution<std::size_t> rank_dist_;
  std::uniform_int_distribution<std::uint32_t> buyer_dist_;
  std::priority_queue<planned_move, std::vector<planned_move>, later> moves_;
  std::uint64_t seq_ = 0;
  std::vector<order_status> final_status_;  // by order index, for the summary
};

void market_generator::make_order_history() {
  if (can_order_.empty()) throw std::runtime_error("no orderable listing for the order history");
  const auto t_orders = std::chrono::steady_clock::now();
  order_history h(*this);
  auto place_one = [&h](storage::connection& c, std::int64_t i) { return h.place_one(c, i); };
  for (std::int64_t from = 0; from < o_.orders; from += o_.batch) {
    const std::int64_t to = std::min(o_.orders, from + o_.batch);
    run_each(db_, from, to, place_one);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_orders).count();
    fmt::print(stderr, "benchgen: {} orders ({:.1f}s, {:.0f} orders/s)\n", to, elapsed(), static_cast<double>(to) / s);
  }
  // The moves still due up to now.
  auto last = db_.writer().submit_sync([&](storage::connection& c) -> result<int> {
    if (auto e = h.apply_due(c, time_.now)) return *e;
    return 0;
  });
  if (!last) throw std::runtime_error("orders: " + last.err().detail);
  orders_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_orders).count();
  for (const auto st : h.final_status()) ++per_status_[st];
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto o = parse(argc, argv);
    market_generator(o).run();
    return 0;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "cunji_benchgen: {}\n{}", e.what(), usage);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "cunji_benchgen: {}\n", e.what());
    return 1;
  }
}
