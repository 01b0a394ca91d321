// A table of rows the server pages (a check's, a plan's, a run's): filter by result, find a
// ticket id or row number, first / previous / go to page / next / last, rows per page. The page
// asked for is kept as soon as a button is pressed, and only the answer to the last request is
// shown, so quick clicks are never lost nor shown out of order.
import { api, showError } from "./api.js";
import { element, state } from "./state.js";
import { label, t } from "./words.js";

export class PagedTable {
  // mount: the element the table goes in; url(): where its rows are (null: none yet); key: the
  // field filtered on; head: the columns' word keys; cells(row): a row's cells.
  constructor(name, mount, { url, key, head, cells }) {
    Object.assign(this, { name, url, key, head, cells, wanted: 1, size: 50, data: null, asked: 0, chosen: "" });
    const id = name;  // check-filter, check-q, check-page, check-size; the table: check-table
    this.filter = element("select", { id: `${id}-filter` });
    this.search = element("input", { id: `${id}-q`, type: "search", size: 22, autocomplete: "off" });
    this.sizePick = element("select", { id: `${id}-size` });
    this.goTo = element("input", { id: `${id}-page`, type: "number", min: 1, value: 1, className: "page-box" });
    this.buttons = Object.fromEntries(["first", "prev", "next", "last"].map((which) => [which,
      element("button", { type: "button", className: "secondary pager-button", textContent: { first: "«", prev: "‹", next: "›", last: "»" }[which] })]));
    this.pageText = element("span", { className: "page-of" });
    this.labels = {
      filter: element("label", { htmlFor: this.filter.id }), search: element("label", { htmlFor: this.search.id }),
      size: element("label", { htmlFor: this.sizePick.id }), page: element("label", { htmlFor: this.goTo.id }),
    };
    const b = this.buttons;
    const tools = element("div", { className: "table-tools" },
      element("span", { className: "tool" }, this.labels.filter, " ", this.filter),
      element("span", { className: "tool" }, this.labels.search, " ", this.search),
      element("nav", { className: "pager" }, b.first, b.prev, this.labels.page, this.goTo, this.pageText, b.next, b.last),
      element("span", { className: "tool" }, this.labels.size, " ", this.sizePick));
    this.nav = tools.querySelector("nav");
    this.headRow = element("tr");
    this.table = element("table", { className: "rows", id: `${name}-table` }, element("thead", {}, this.headRow), element("tbody"));
    this.empty = element("p", { className: "muted", hidden: true });
    mount.replaceChildren(tools, this.table, this.empty);
    b.first.addEventListener("click", () => this.load(1));
    b.prev.addEventListener("click", () => this.load(this.wanted - 1));
    b.next.addEventListener("click", () => this.load(this.wanted + 1));
    b.last.addEventListener("click", () => this.load(this.pages()));
    this.goTo.addEventListener("change", () => this.load(Number(this.goTo.value) || 1));
    this.filter.addEventListener("change", () => { this.chosen = this.filter.value; this.load(1); });
    this.sizePick.addEventListener("change", () => { this.size = Number(this.sizePick.value) || 50; this.load(1); });
    let typing = null;
    this.search.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => this.load(1), 250); });
    this.render();
  }

  pages() {
    return this.data ? this.data.pages : 1;
  }

  async load(page) {
    const url = this.url();
    if (!url) return;
    this.wanted = Math.min(Math.max(1, page), this.data ? this.pages() : Math.max(1, page));
    this.showButtons();
    const query = new URLSearchParams({ page: String(this.wanted), size: String(this.size), filter: this.chosen,
      q: this.search.value.trim() });
    const asked = ++this.asked;
    try {
      const data = await api(`${url}?${query}`);
      if (asked !== this.asked) return;  // a later request is on its way: its answer is the one shown
      this.data = data;
      this.wanted = data.page;
      this.render();
    } catch (error) {
      if (asked === this.asked) showError(error);
    }
  }

  clear(keep = false) {
    // No rows shown (until the next load); `keep`: the page, filter and search stay as chosen.
    this.data = null;
    this.asked++;
    if (!keep) {
      this.wanted = 1;
      this.search.value = "";
      this.chosen = "";
    }
    this.render();
  }

  showButtons() {
    const last = this.pages();
    this.buttons.first.disabled = this.buttons.prev.disabled = this.wanted <= 1;
    this.buttons.next.disabled = this.buttons.last.disabled = this.wanted >= last;
    this.goTo.max = last;
    if (document.activeElement !== this.goTo) this.goTo.value = this.wanted;
  }

  render() {
    for (const [which, key] of [["first", "table.first"], ["prev", "table.prev"], ["next", "table.next"], ["last", "table.last"]]) {
      this.buttons[which].setAttribute("aria-label", t(key));
      this.buttons[which].title = t(key);
    }
    this.labels.filter.textContent = t("table.show");
    this.labels.search.textContent = t("table.find");
    this.search.placeholder = t("table.find.hint");
    this.labels.size.textContent = t("table.size");
    this.labels.page.textContent = t("table.page.label");
    this.nav.setAttribute("aria-label", t("table.pager"));
    this.headRow.replaceChildren(...this.head.map((key) => element("th", { scope: "col", textContent: t(key) })));
    const d = this.data;
    const sizes = (d && d.sizes) || [25, 50, 100, 200];
    this.sizePick.replaceChildren(...sizes.map((n) => new Option(String(n), String(n), false, n === this.size)));
    const chosen = this.chosen;
    const counts = Object.entries(d ? d.counts : {});
    if (chosen && !counts.some(([value]) => value === chosen)) counts.push([chosen, 0]);  // kept while none show
    this.filter.replaceChildren(new Option(t("table.all"), ""), ...counts.map(
      ([value, n]) => new Option(`${label(value)} (${n})`, value, false, value === chosen)));
    this.pageText.textContent = d ? t("table.page", { pages: d.pages, matching: d.matching }) : "";
    this.showButtons();
    const rows = d ? d.rows : [];
    this.table.tBodies[0].replaceChildren(...rows.map((row) => {
      const tr = element("tr", { className: "r-" + row[this.key] });
      this.cells(row).forEach((content, i) => {
        const td = element("td", {}, content);
        td.dataset.label = t(this.head[i]);  // a narrow screen shows each cell under its column's name
        tr.append(td);
      });
      return tr;
    }));
    this.empty.hidden = !d || rows.length > 0;
    this.empty.textContent = t("table.none");
  }
}

export function text(value, className) {
  return element("span", { textContent: value ?? "", className: className || "" });
}

export function renderTables() {
  Object.values(state.tables).forEach((table) => table.render());
}
