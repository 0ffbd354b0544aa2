// Counties and villages on SQLite (storage/regions.hpp).
#include "storage/sql/fee_schedule.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sql/stores.hpp"
#include "storage/sqlite/engine.hpp"

namespace cunji::storage {

namespace {

class sqlite_region_store final : public region_store {
 public:
  explicit sqlite_region_store(database& db) : e_(db) {}

  task<county> create_county(std::string name, std::string province, bool poverty_stricken, unix_seconds now) override {
    auto cmd = [n = std::move(name), p = std::move(province), poverty_stricken, now](connection& c) -> result<county> {
      return insert_county(c, n, p, poverty_stricken, now);
    };
    co_return (co_await e_.write(std::move(cmd))).value();
  }

  task<result<county>> update_county(std::int64_t id, county_patch p) override {
    auto cmd = [id, p = std::move(p)](connection& c) -> result<county> {
      auto updated = storage::update_county(c, id, p);
      if (!updated) return error{errc::not_found, "No such county."};
      return *updated;
    };
    co_return co_await e_.write(std::move(cmd));
  }

  task<std::optional<county>> find_county(std::int64_t id) override {
    co_return e_.read([&](connection& c) { return storage::find_county(c, id); });
  }

  task<page<county>> list_counties(std::optional<bool> poverty_stricken, page_request p) override {
    co_return e_.read([&](connection& c) {
      const auto after = p.after.empty() ? 0 : p.after.front();
      return page_of(storage::list_counties(c, poverty_stricken, after, p.limit + 1), p.limit);
    });
  }

  task<result<village>> create_village(std::int64_t county_id, std::string name, unix_seconds now) override {
    auto cmd = [county_id, n = std::move(name), now](connection& c) -> result<village> {
      auto v = insert_village(c, county_id, n, now);
      if (v) v->taobao_village = taobao_status(v.value(), load_fee_schedule(c).thresholds());
      return v;
    };
    co_return co_await e_.write(std::move(cmd));
  }

  task<std::optional<village>> find_village(std::int64_t id, day_number today) override {
    co_return e_.read([&](connection& c) {
      read_transaction snapshot(c);
      auto v = storage::find_village(c, id, today);
      if (v) v->taobao_village = taobao_status(*v, load_fee_schedule(c).thresholds());
      return v;
    });
  }

  task<page<village>> list_villages(village_filter f) override {
    co_return e_.read([&](connection& c) {
      read_transaction snapshot(c);
      return page_of(storage::list_villages(c, f, load_fee_schedule(c).thresholds()), f.page.limit);
    });
  }

 private:
  engine e_;
};

}  // namespace

std::unique_ptr<region_store> make_region_store(database& db) { return std::make_unique<sqlite_region_store>(db); }

}  // namespace cunji::storage
