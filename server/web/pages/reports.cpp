// Reports, for everyone: the poverty-relief totals, sales per county (the top counties) and one
// county's monthly sales (`?county=ID`, by default the top county), each as an SVG bar chart
// with its table. The same use cases as GET /v1/reports/poverty-relief, /v1/reports/counties
// and /v1/reports/counties/{id}/monthly, with their default periods: the last 365 days, and the
// last 12 whole months and this one.
#include <algorithm>
#include <charconv>

#include "core/months.hpp"
#include "core/sales.hpp"
#include "server/app.hpp"
#include "server/web/bar_chart.hpp"
#include "server/web/page_app.hpp"
#include "server/web/view_format.hpp"
#include "storage/store.hpp"

namespace cunji::server::web {

namespace {

constexpr std::size_t top_counties = 10;

std::string str(page_context& ctx, std::string_view key) { return std::string(ctx.t(key)); }

// The counties with the most sales first (ties by id), at most top_counties.
std::vector<storage::county_report_row> top_of(std::vector<storage::county_report_row> rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.gmv_fen > b.gmv_fen; });
  if (rows.size() > top_counties) rows.resize(top_counties);
  return rows;
}

bar_chart county_chart(page_context& ctx, const std::vector<storage::county_report_row>& rows,
                       const storage::poverty_relief_report& relief) {
  bar_chart c;
  c.id = "counties";
  c.heading = c.title = str(ctx, "reports.by_county");
  c.desc = str(ctx, "reports.by_county_desc");
  c.marked_legend = str(ctx, "reports.poverty_county");
  c.plain_legend = str(ctx, "reports.other_county");
  c.columns = {str(ctx, "reports.county"), str(ctx, "reports.poverty_county"), str(ctx, "reports.sales"),
               str(ctx, "reports.relief_sales"), str(ctx, "reports.orders")};
  for (const auto& r : rows) {
    std::int64_t relief_fen = 0;
    for (const auto& x : relief.counties)
      if (x.county_id == r.county_id) relief_fen = x.gmv_fen;
    c.bars.push_back({r.name,
                      "/reports?county=" + std::to_string(r.county_id),
                      r.gmv_fen,
                      yuan(r.gmv_fen),
                      r.poverty_stricken,
                      {str(ctx, r.poverty_stricken ? "reports.yes" : "reports.no"), yuan(r.gmv_fen), yuan(relief_fen),
                       std::to_string(r.orders)}});
  }
  return c;
}

bar_chart monthly_chart(page_context& ctx, const storage::county_report_row& county,
                        const std::vector<storage::month_figures>& months) {
  bar_chart c;
  c.id = "months";
  c.heading = c.title = county.name + " " + str(ctx, "reports.monthly");
  c.desc = str(ctx, county.poverty_stricken ? "reports.monthly_desc_poverty" : "reports.monthly_desc");
  (county.poverty_stricken ? c.marked_legend : c.plain_legend) = str(
      ctx, county.poverty_stricken ? "reports.poverty_county" : "reports.other_county");
  c.columns = {str(ctx, "reports.month"), str(ctx, "reports.sales"), str(ctx, "reports.relief_sales"),
               str(ctx, "reports.orders")};
  for (const auto& m : months)
    c.bars.push_back({format_month(m.month),
                      "",
                      m.gmv_fen,
                      yuan(m.gmv_fen),
                      county.poverty_stricken,
                      {yuan(m.gmv_fen), yuan(m.poverty_relief_gmv_fen), std::to_string(m.orders)}});
  return c;
}

// The county of `?county=`: nullopt when absent, 0 when not a positive id.
std::optional<std::int64_t> county_param(page_context& ctx) {
  const auto s = ctx.query("county");
  if (!s) return std::nullopt;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || p != s->data() + s->size() || v <= 0) return 0;
  return v;
}

net::awaitable<response> reports_page(page_context& ctx) {
  const auto now = ctx.now();
  const auto today = day_of(now);
  const auto period = report_period(std::nullopt, std::nullopt, now).value();
  auto& reports = ctx.store().reports();
  const auto relief = co_await reports.poverty_report(period);
  const auto all = co_await reports.county_report(period, today);
  const auto wanted = county_param(ctx);
  const auto top = top_of(all);
  view charts{view::type::list};
  charts.push_back(chart_view(county_chart(ctx, top, relief)));
  const storage::county_report_row* county = top.empty() ? nullptr : &top.front();
  if (wanted) {
    county = nullptr;
    for (const auto& r : all)
      if (r.county_id == *wanted) county = &r;
    if (!county) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  }
  if (county) {
    storage::monthly_request r;
    r.id = county->county_id;
    r.today = today;
    r.months = report_months(std::nullopt, std::nullopt, today).value();
    const auto months = co_await reports.county_monthly(std::move(r));
    if (!months) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
    charts.push_back(chart_view(monthly_chart(ctx, *county, months.value())));
  }
  view totals{view::type::object};
  totals.set("gmv", yuan(relief.gmv_fen));
  totals.set("orders", std::to_string(relief.orders));
  totals.set("buyers", std::to_string(relief.distinct_buyers));
  totals.set("shops", std::to_string(relief.shops));
  view v{view::type::object};
  v.set("period", str(ctx, "reports.period"));
  v.set("relief", totals);
  v.set("charts", charts);
  co_return ctx.pages.render(ctx, http::status::ok, "reports", ctx.t("reports.title"), std::move(v));
}

}  // namespace

void add_report_pages(page_table& t) { t.add(http::verb::get, "/reports", {reports_page}); }

}  // namespace cunji::server::web
