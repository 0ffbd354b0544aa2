#include "storage/sql/phones.hpp"

#include <algorithm>

#include "core/account.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

struct change {
  std::int64_t id;
  std::string phone, normal;
};

// The rows (id, phone) that `select` reads whose phone is not in its normal form: only those
// are kept in memory.
std::vector<change> changes_in(connection& c, const char* select) {
  std::vector<change> out;
  auto q = c.prepare(select);
  while (q.step()) {
    auto phone = q.str(1);
    auto normal = normalize_phone(phone);
    if (normal != phone) out.push_back({q.i64(0), std::move(phone), std::move(normal)});
  }
  return out;
}

bool phone_taken(connection& c, const std::string& phone) {
  auto q = c.prepare("SELECT 1 FROM accounts WHERE phone = ?");
  q.bind(1, phone);
  return q.step();
}

}  // namespace

void normalize_stored_phones(connection& c) {
  auto accounts = changes_in(c, "SELECT id, phone FROM accounts");
  std::sort(accounts.begin(), accounts.end(),
            [](const change& a, const change& b) { return a.normal != b.normal ? a.normal < b.normal : a.id < b.id; });
  for (std::size_t i = 0; i < accounts.size();) {
    std::size_t end = i + 1;
    while (end < accounts.size() && accounts[end].normal == accounts[i].normal) ++end;
    // One account for this number: it takes the normal form, unless another has it already.
    if (end - i == 1 && !phone_taken(c, accounts[i].normal)) {
      c.run("UPDATE accounts SET phone = ? WHERE id = ?", accounts[i].normal, accounts[i].id);
    } else {
      for (std::size_t k = i; k < end; ++k)
        c.run("INSERT INTO phone_conflicts (account_id, phone, normal_phone, found_at) VALUES (?, ?, ?, unixepoch())",
              accounts[k].id, accounts[k].phone, accounts[k].normal);
    }
    i = end;
  }
  for (const auto& v : changes_in(c, "SELECT id, phone FROM villagers WHERE phone IS NOT NULL"))
    c.run("UPDATE villagers SET phone = ? WHERE id = ?", v.normal, v.id);
}

std::vector<phone_conflict> phone_conflicts(connection& c) {
  std::vector<phone_conflict> out;
  auto q = c.prepare("SELECT account_id, phone, normal_phone FROM phone_conflicts ORDER BY account_id");
  while (q.step()) out.push_back({q.i64(0), q.str(1), q.str(2)});
  return out;
}

}  // namespace cunji::storage
