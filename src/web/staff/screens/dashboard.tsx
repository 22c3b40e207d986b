import { S } from "../../../i18n/staff-text.js";
import type { Dashboard } from "../../../lifecycle/staff-console.js";
import { BarChart } from "../charts.js";
import { DataTable, StaffPage, t, type PageCtx } from "./parts.js";

export function DashboardPage(p: { c: PageCtx; d: Dashboard }) {
  const { c, d } = p;
  const zone = c.con.bank.policy.timeZone;
  const weekTotal = d.weeks.reduce((a, w) => a + w.count, 0);
  return (
    <StaffPage c={c} title={S.dashboardTitle} screenId="STF001">
      <p>{t(c, S.summary, { contracts: d.contracts, users: d.users })}</p>
      <section aria-labelledby="expiring-h">
        <h2 id="expiring-h">{t(c, S.expiringHeading)}</h2>
        <p>{t(c, S.expiringDesc, { zone })}</p>
        <div class="chart-pair">
          <figure class="chart">
            <BarChart
              id="expiring-chart"
              title={t(c, S.expiringHeading)}
              desc={t(c, S.chartTotal, { n: weekTotal })}
              labels={d.weeks.map((w) => w.label.slice(5))}
              series={[{ className: "bar", label: t(c, S.count), values: d.weeks.map((w) => w.count) }]}
            />
          </figure>
          <DataTable c={c} caption={S.expiringCaption} cols={[S.week, S.weekFrom, S.count]} id="expiring-table">
            {d.weeks.map((w) => (
              <tr>
                <th scope="row">{w.label}</th>
                <td>{w.firstDay}</td>
                <td class="num" data-week={w.label}>
                  {w.count}
                </td>
              </tr>
            ))}
          </DataTable>
        </div>
      </section>
      <section aria-labelledby="daily-h">
        <h2 id="daily-h">{t(c, S.dailyHeading)}</h2>
        <p>{t(c, S.dailyDesc)}</p>
        <div class="chart-pair">
          <figure class="chart">
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
          </figure>
          <DataTable c={c} caption={S.dailyCaption} cols={[S.day, S.issued, S.revoked]} id="daily-table">
            {d.days.map((x) => (
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
          </DataTable>
        </div>
      </section>
    </StaffPage>
  );
}
