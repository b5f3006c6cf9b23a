#include "lint/walk.hpp"

#include "lint/unparsed.hpp"

namespace slipway::lint {

void walk_fragment(const Fragment& frag, Context& ctx, const std::function<void(const WalkItem&)>& visit) {
  auto parsed = parse_sql(frag.sql);
  for (auto& p : parsed.statements) {
    Span span{frag.locate(p.begin), frag.locate(p.end)};
    std::string_view text = std::string_view(frag.sql).substr(p.begin, p.end - p.begin);
    if (p.error) {
      // What it creates is still new to the file: later statements on it are not hazards.
      if (auto created = relation_created_by_unparsed(text)) ctx.observe_unparsed_create(*created);
      visit(WalkItem{p, nullptr, text, span});
      continue;
    }
    const Json& node = *p.tree;
    std::size_t base = p.base;
    Statement s{node,
                node.begin().key(),
                node.begin().value(),
                text,
                span,
                {},
                [&frag, base, &p](int location) {
                  return frag.locate(location < 0 ? p.begin : base + static_cast<std::size_t>(location));
                },
                static_cast<std::ptrdiff_t>(p.begin) - static_cast<std::ptrdiff_t>(base)};
    s.cls = classify(node, ctx);
    visit(WalkItem{p, &s, text, span});
    ctx.observe(s);
  }
}

}  // namespace slipway::lint
