/** The window's one stylesheet (/window.css): the CSP allows no inline style. Plain, as the portal's. */
export const WINDOW_CSS = `:root { --brand: #1d3f6e; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8ccd2; --bg: #f4f5f7; --error: #a0181c; --ok: #1b5e20; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans CJK JP", "Hiragino Kaku Gothic ProN", "Yu Gothic", Meiryo, system-ui, sans-serif; color: var(--ink); background: var(--bg); line-height: 1.6; }
a { color: #0b4f9c; }
a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f0b400; outline-offset: 2px; }
header.app { display: flex; justify-content: space-between; align-items: center; background: var(--brand); color: #fff; padding: .6rem 1.5rem; }
header.app .name { font-weight: 700; }
header.app a { color: #fff; }
main { max-width: 62rem; margin: 1.25rem auto; background: #fff; padding: 1.25rem 2rem 2rem; border: 1px solid var(--line); border-radius: 4px; }
.screen-head { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid var(--brand); margin-bottom: 1rem; }
.screen-head h1 { font-size: 1.35rem; margin: 0 0 .4rem; }
.screen-id { color: var(--muted); font-size: .85rem; }
section.block { border: 1px solid var(--line); border-radius: 4px; padding: .75rem 1rem 1rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.field { margin: 0 0 1rem; }
.field label { display: block; font-weight: 700; margin-bottom: .25rem; }
input[type="text"], input[type="password"], select { font: inherit; padding: .45rem .6rem; border: 1px solid #767676; border-radius: 3px; min-width: 18rem; }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; margin-top: 1rem; align-items: center; }
form.inline { display: inline; margin: 0; }
button, a.button { font: inherit; padding: .5rem 1.3rem; border-radius: 3px; cursor: pointer; text-decoration: none; display: inline-block; }
button.primary { background: var(--brand); color: #fff; border: 1px solid var(--brand); }
button.secondary, a.button.secondary { background: #fff; color: var(--ink); border: 1px solid #767676; }
button.danger { background: var(--error); color: #fff; border: 1px solid var(--error); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; white-space: nowrap; }
tr:has(input:checked) td { background: #1d3f6e; color: #fff; }
td.subject { font-family: ui-monospace, "Noto Sans Mono CJK JP", monospace; font-size: .9rem; word-break: break-all; }
.state-detail { display: block; font-size: .85rem; }
.notice { padding: .7rem 1rem; border-left: 5px solid #0b4f9c; margin: 0 0 1rem; background: #fafafa; }
.notice.error { border-color: var(--error); color: var(--error); background: #fdf1f1; }
.notice.success { border-color: var(--ok); color: var(--ok); background: #f0f7f0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.25rem; }
dl.facts dt { font-weight: 700; }
dl.facts dd { margin: 0; word-break: break-all; }
.muted { color: var(--muted); font-size: .9rem; }
`;
