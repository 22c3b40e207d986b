import type { ComponentChildren } from "preact";
import { S } from "../../../i18n/staff-text.js";
import type { Text } from "../../views/text.js";
import type { Dashboard } from "../../../lifecycle/staff-console.js";
import { BarChart } from "../charts.js";
import { ColumnHeads, StaffPage, t, when, type PageCtx } from "./frame.js";

/** A chart and the same numbers in a table beside it, under one heading. */
function ChartSection(p: { c: PageCtx; id: string; heading: Text; lead: string; chart: ComponentChildren; caption: Text; columns: Text[]; rows: ComponentChildren }) {
  const { c } = p;
  return (
    <section aria-labelledby={`${p.id}-h`}>
      <h2 id={`${p.id}-h`}>{t(c, p.heading)}</h2>
      <p>{p.lead}</p>
      <div class="chart-pair">
        <figure class="chart">{p.chart}</figure>
        <table id={`${p.id}-table`}>
          <caption>{t(c, p.caption)}</caption>
          <ColumnHeads c={c} labels={p.columns} />
          <tbody>{p.rows}</tbody>
        </table>
      </div>
    </section>
  );
}

export function DashboardPage(p: { c: PageCtx; d: Dashboard }) {
  const { c, d } = p;
  const zone = c.con.bank.policy.timeZone;
  const weekTotal = d.weeks.reduce((a, w) => a + w.count, 0);
  return (
    <StaffPage c={c} title={S.dashboardTitle} screenId="STF001">
      <p>{t(c, S.summary, { contracts: d.contracts, users: d.users })}</p>
      {d.issuer && d.issuer.state !== "ok" && (
        <p id="issuer-warning" class="warning" role="alert">
          {t(c, d.issuer.state === "refuse" ? S.issuerRefuse : S.issuerWarn, { lastIssuance: when(c, d.issuer.lastIssuance) })}
        </p>
      )}
      <ChartSection
        c={c}
        id="expiring"
        heading={S.expiringHeading}
        lead={t(c, S.expiringDesc, { zone })}
        chart={
          <BarChart
            id="expiring-chart"
            title={t(c, S.expiringHeading)}
            desc={t(c, S.chartTotal, { n: weekTotal })}
            labels={d.weeks.map((w) => w.label.slice(5))}
            series={[{ className: "bar", label: t(c, S.count), values: d.weeks.map((w) => w.count) }]}
          />
        }
        caption={S.expiringCaption}
        columns={[S.week, S.weekFrom, S.count]}
        rows={d.weeks.map((w) => (
          <tr>
            <th scope="row">{w.label}</th>
            <td>{w.firstDay}</td>
            <td class="num" data-week={w.label}>
              {w.count}
            </td>
          </tr>
        ))}
      />
      <ChartSection
        c={c}
        id="daily"
        heading={S.dailyHeading}
        lead={t(c, S.dailyDesc)}
        chart={
          <BarChart
            id="daily-chart"
            title={t(c, S.dailyHeading)}
            desc={`${t(c, S.issued)} ${d.days.reduce((a, x) => a + x.issued, 0)} / ${t(c, S.revoked)} ${d.days.reduce((a, x) => a + x.revoked, 0)}`}
            labels={d.days.map((x) => x.label.slice(5))}
            labelEvery={5}
            series={[
              { className: "bar", label: t(c, S.issued), values: d.days.map((x) => x.issued) },
              { className: "bar revoked", label: t(c, S.revoked), values: d.days.map((x) => x.revoked) },
            ]}
          />
        }
        caption={S.dailyCaption}
        columns={[S.day, S.issued, S.revoked]}
        rows={d.days.map((x) => (
          <tr>
            <th scope="row">{x.label}</th>
            <td class="num" data-day={x.label} data-kind="issued">
              {x.issued}
            </td>
            <td class="num" data-day={x.label} data-kind="revoked">
              {x.revoked}
            </td>
          </tr>
        ))}
      />
    </StaffPage>
  );
}
