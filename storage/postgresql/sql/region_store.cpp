// Counties and villages on PostgreSQL (storage/regions.hpp).
#include "storage/paging.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/sql/fee_schedule.hpp"
#include "storage/postgresql/sql/regions.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {

task<county> create_county_in(connection& c, std::string name, std::string province, bool poverty_stricken,
                              unix_seconds now) {
  co_return co_await insert_county(c, std::move(name), std::move(province), poverty_stricken, now);
}

task<result<county>> update_county_in(connection& c, std::int64_t id, county_patch p) {
  auto updated = co_await update_county(c, id, std::move(p));
  if (!updated) co_return error{errc::not_found, "No such county."};
  co_return *updated;
}

task<result<village>> create_village_in(connection& c, std::int64_t county_id, std::string name, unix_seconds now) {
  auto v = co_await insert_village(c, county_id, std::move(name), now);
  if (v) v->taobao_village = taobao_status(v.value(), (co_await load_fee_schedule(c)).thresholds());
  co_return v;
}

task<std::optional<village>> find_village_in(connection& c, std::int64_t id, day_number today) {
  auto v = co_await find_village(c, id, today);
  if (v) v->taobao_village = taobao_status(*v, (co_await load_fee_schedule(c)).thresholds());
  co_return v;
}

task<page<county>> list_counties_in(connection& c, std::optional<bool> poverty_stricken, page_request p) {
  const auto after = p.after.empty() ? 0 : p.after.front();
  co_return page_of(co_await list_counties(c, poverty_stricken, after, p.limit + 1), p.limit);
}

task<page<village>> list_villages_in(connection& c, village_filter f) {
  const auto t = (co_await load_fee_schedule(c)).thresholds();
  const int limit = f.page.limit;
  co_return page_of(co_await list_villages(c, std::move(f), t), limit);
}

class pg_region_store final : public region_store {
 public:
  explicit pg_region_store(engine& e) : e_(e) {}

  task<county> create_county(std::string name, std::string province, bool poverty_stricken, unix_seconds now) override {
    co_return co_await e_.write<county>(
        [&](connection& c) { return create_county_in(c, name, province, poverty_stricken, now); });
  }

  task<result<county>> update_county(std::int64_t id, county_patch p) override {
    co_return co_await e_.write<result<county>>([&](connection& c) { return update_county_in(c, id, p); });
  }

  task<std::optional<county>> find_county(std::int64_t id) override {
    co_return co_await e_.read<std::optional<county>>([&](connection& c) { return pg::find_county(c, id); });
  }

  task<page<county>> list_counties(std::optional<bool> poverty_stricken, page_request p) override {
    co_return co_await e_.read<page<county>>([&](connection& c) { return list_counties_in(c, poverty_stricken, p); });
  }

  task<result<village>> create_village(std::int64_t county_id, std::string name, unix_seconds now) override {
    co_return co_await e_.write<result<village>>(
        [&](connection& c) { return create_village_in(c, county_id, name, now); });
  }

  task<std::optional<village>> find_village(std::int64_t id, day_number today) override {
    co_return co_await e_.snapshot<std::optional<village>>(
        [&](connection& c) { return find_village_in(c, id, today); });
  }

  task<page<village>> list_villages(village_filter f) override {
    co_return co_await e_.snapshot<page<village>>([&](connection& c) { return list_villages_in(c, f); });
  }

 private:
  engine& e_;
};

}  // namespace

std::unique_ptr<region_store> make_region_store(engine& e) { return std::make_unique<pg_region_store>(e); }

}  // namespace cunji::storage::pg
