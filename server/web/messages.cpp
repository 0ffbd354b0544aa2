#include "server/web/messages.hpp"

#include <array>

namespace cunji::server::web {

namespace {
// Keys in groups: site, forms, pages, then words for statuses, categories and units.
constexpr std::array catalogue{
    message{"site.name", "村集", "Cunji"},
    message{"site.tagline", "从村里直接买", "Buy straight from the village"},
    message{"nav.home", "首页", "Home"},
    message{"nav.cart", "购物车", "Cart"},
    message{"nav.orders", "我的订单", "My orders"},
    message{"nav.signin", "登录", "Sign in"},
    message{"nav.register", "注册", "Register"},
    message{"nav.signout", "退出", "Sign out"},
    message{"nav.other_lang", "English", "中文"},
    message{"search.label", "搜索农产品", "Search produce"},
    message{"search.button", "搜索", "Search"},
    message{"search.title", "搜索", "Search"},
    message{"search.category", "分类", "Category"},
    message{"search.any_category", "全部分类", "All categories"},
    message{"search.sort", "排序", "Sort by"},
    message{"sort.relevance", "相关度", "Relevance"},
    message{"sort.newest", "最新", "Newest"},
    message{"sort.price_asc", "价格从低到高", "Price, low to high"},
    message{"sort.price_desc", "价格从高到低", "Price, high to low"},
    message{"search.relief_only", "只看扶贫产品", "Poverty-relief produce only"},
    message{"search.in_stock", "只看有货", "In stock only"},
    message{"search.min_price", "最低价（元）", "Lowest price (yuan)"},
    message{"search.max_price", "最高价（元）", "Highest price (yuan)"},
    message{"search.none", "没有找到商品。", "No listings found."},
    message{"search.next", "下一页", "Next page"},
    message{"home.relief", "扶贫产品", "Poverty-relief produce"},
    message{"home.newest", "新上架", "Just listed"},
    message{"home.categories", "分类", "Categories"},
    message{"listing.relief_badge", "扶贫", "Poverty relief"},
    message{"listing.per", "每", "per"},
    message{"listing.stock", "库存", "In stock"},
    message{"listing.sold_out", "已售完", "Sold out"},
    message{"listing.shop", "店铺", "Shop"},
    message{"listing.county", "产地", "County"},
    message{"listing.quantity", "数量", "Quantity"},
    message{"listing.add", "加入购物车", "Add to cart"},
    message{"shop.listings", "在售商品", "For sale"},
    message{"cart.title", "购物车", "Cart"},
    message{"cart.empty", "购物车是空的。", "Your cart is empty."},
    message{"cart.update", "更新数量", "Update"},
    message{"cart.remove", "删除", "Remove"},
    message{"cart.subtotal", "商品合计", "Subtotal"},
    message{"cart.delivery", "配送方式", "Delivery"},
    message{"cart.to_address", "送货上门", "To an address"},
    message{"cart.station", "到村服务站自提", "Pick up at a village station"},
    message{"cart.address", "收货地址", "Address"},
    message{"cart.checkout", "提交订单", "Place order"},
    message{"cart.sign_in_first", "请先登录再下单。", "Sign in to place the order."},
    message{"cart.gone", "这件商品已下架。", "This listing is no longer for sale."},
    message{"cart.full", "购物车最多放 20 种商品。", "The cart holds at most 20 listings."},
    message{"signin.title", "登录", "Sign in"},
    message{"signin.button", "登录", "Sign in"},
    message{"signin.wrong", "手机号或密码不对。", "Wrong phone number or password."},
    message{"signin.throttled", "失败次数太多，请稍后再试。", "Too many failed attempts; try again later."},
    message{"signin.no_account", "还没有账号？", "No account yet?"},
    message{"register.title", "注册买家账号", "Register as a buyer"},
    message{"register.button", "注册", "Register"},
    message{"field.phone", "手机号", "Phone number"},
    message{"field.password", "密码", "Password"},
    message{"field.name", "姓名", "Name"},
    message{"field.reason", "原因", "Reason"},
    message{"orders.title", "我的订单", "My orders"},
    message{"orders.none", "还没有订单。", "No orders yet."},
    message{"orders.more", "更多订单", "More orders"},
    message{"order.title", "订单", "Order"},
    message{"order.status", "状态", "Status"},
    message{"order.total", "合计", "Total"},
    message{"order.delivery_fee", "运费", "Delivery"},
    message{"order.placed_at", "下单时间", "Placed"},
    message{"order.pickup_code", "取件码", "Pickup code"},
    message{"order.address", "收货地址", "Address"},
    message{"order.tracking", "快递单号", "Tracking"},
    message{"order.pay", "用支付宝付款", "Pay with Alipay"},
    message{"order.awaiting", "等待付款，支付宝确认后更新。", "Awaiting payment; updated once Alipay confirms."},
    message{"order.ask_return", "申请退货", "Ask for a return"},
    message{"order.return_asked", "已申请退货", "Return asked for"},
    message{"order.placed_ok", "下单成功。", "Order placed."},
    message{"status.placed", "待付款", "Awaiting payment"},
    message{"status.paid", "已付款", "Paid"},
    message{"status.shipped", "已发货", "Shipped"},
    message{"status.at_station", "已到服务站", "At the station"},
    message{"status.delivered", "已收货", "Delivered"},
    message{"status.cancelled", "已取消", "Cancelled"},
    message{"status.refunded", "已退款", "Refunded"},
    message{"status.returned_to_shop", "已退回店铺", "Returned to the shop"},
    message{"category.fruit", "水果", "Fruit"},
    message{"category.vegetable", "蔬菜", "Vegetables"},
    message{"category.grain", "粮油", "Grain"},
    message{"category.meat", "肉类", "Meat"},
    message{"category.poultry_eggs", "禽蛋", "Poultry and eggs"},
    message{"category.aquatic", "水产", "Fish"},
    message{"category.tea", "茶叶", "Tea"},
    message{"category.nuts_dried", "坚果干货", "Nuts and dried"},
    message{"category.honey", "蜂蜜", "Honey"},
    message{"category.mushroom", "菌菇", "Mushrooms"},
    message{"category.handicraft", "手工艺品", "Handicrafts"},
    message{"category.other", "其他", "Other"},
    message{"unit.kg", "公斤", "kg"},
    message{"unit.jin", "斤", "jin"},
    message{"unit.piece", "个", "piece"},
    message{"unit.box", "箱", "box"},
    message{"unit.bag", "袋", "bag"},
    message{"unit.dozen", "打", "dozen"},
    message{"nav.reports", "销售报告", "Reports"},
    message{"reports.title", "销售报告", "Sales reports"},
    message{"reports.period", "最近 365 天（按 UTC 日期）的销售；每月销售为最近 12 个整月和本月。",
            "Sales of the last 365 days (UTC dates); monthly sales for the last 12 whole months and this one."},
    message{"reports.relief", "扶贫销售合计", "Poverty-relief sales in total"},
    message{"reports.sales", "销售额", "Sales"},
    message{"reports.relief_sales", "扶贫销售额", "Poverty-relief sales"},
    message{"reports.orders", "订单数", "Orders"},
    message{"reports.buyers", "买家数", "Buyers"},
    message{"reports.shops", "店铺数", "Shops"},
    message{"reports.by_county", "各县销售额（前 10 名）", "Sales by county (top 10)"},
    message{"reports.by_county_desc", "每个县一条横条，长度为销售额；斜线填充的红色横条是贫困县。下表列出相同的数字。",
            "One bar per county, as long as its sales; hatched red bars are poverty counties. The table below gives "
            "the same numbers."},
    message{"reports.poverty_county", "贫困县", "Poverty county"},
    message{"reports.other_county", "其他县", "Other county"},
    message{"reports.county", "县", "County"},
    message{"reports.yes", "是", "Yes"},
    message{"reports.no", "否", "No"},
    message{"reports.monthly", "每月销售额", "sales by month"},
    message{"reports.monthly_desc", "每月一条横条，长度为销售额。下表列出相同的数字。",
            "One bar per month, as long as its sales. The table below gives the same numbers."},
    message{"reports.monthly_desc_poverty", "每月一条横条，长度为销售额；斜线填充表示贫困县。下表列出相同的数字。",
            "One bar per month, as long as its sales; hatching marks a poverty county. The table below gives the "
            "same numbers."},
    message{"reports.month", "月份", "Month"},
    message{"reports.none", "还没有数据。", "No figures yet."},
    message{"error.title", "出错了", "Something went wrong"},
    message{"error.not_found", "找不到这个页面。", "There is no such page."},
    message{"error.forbidden", "请求被拒绝。请回到上一页刷新后再试。",
            "The request was refused. Go back, reload the page and try again."},
    message{"error.bad_request", "请求格式不对。", "The request is malformed."},
    message{"error.method", "这个页面不支持这种请求。", "This page does not take that request."},
    message{"error.internal", "服务器出错了，请稍后再试。", "The server failed; try again later."},
    message{"error.unavailable", "服务暂时不可用，请稍后再试。", "The service is unavailable; try again later."},
    message{"error.payments", "现在无法用支付宝付款。", "Paying with Alipay is not possible right now."},
    message{"error.conflict", "无法完成：", "Cannot do this: "},
    message{"error.form", "请改正下面标出的内容。", "Please correct the fields marked below."},
    message{"error.home", "回到首页", "Back to the home page"},
    message{"form.required", "必填", "Required"},
    message{"form.invalid", "格式不对", "Not valid"},
    message{"form.taken", "这个手机号已注册", "This phone number is taken"},
    message{"form.too_long", "太长了", "Too long"},
    message{"form.quantity", "请输入 1 到 10000 之间的整数", "Enter a whole number from 1 to 10000"},
    message{"form.password_short", "密码至少 8 位", "At least 8 characters"},
};
}  // namespace

std::string_view lang_tag(lang l) noexcept { return l == lang::en ? "en" : "zh-CN"; }
std::string_view lang_code(lang l) noexcept { return l == lang::en ? "en" : "zh"; }

bool parse_lang(std::string_view s, lang& out) noexcept {
  if (s == "en") out = lang::en;
  else if (s == "zh" || s == "zh-CN") out = lang::zh;
  else return false;
  return true;
}

std::string_view msg(lang l, std::string_view key) noexcept {
  for (const auto& m : catalogue)
    if (m.key == key) return l == lang::en ? m.en : m.zh;
  return key;
}

bool has_message(std::string_view key) noexcept {
  for (const auto& m : catalogue)
    if (m.key == key) return true;
  return false;
}

std::span<const message> all_messages() noexcept { return catalogue; }

}  // namespace cunji::server::web
