"""Charts (图表) for the widgets and dashboards, built with plotly.

Every chart has a title, axis titles with units, and Chinese labels; the font list starts with
Noto Sans CJK (Debian's ``fonts-noto-cjk``) so static exports and headless screenshots render
the characters.  Empty data gives a chart that says so instead of an error.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .queries import ENTITY_ZH

#: Fonts in order of preference; Noto Sans CJK SC is what CI installs.
FONT = (
    "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
)

TIER_COLORS = {"A": "#c0392b", "B": "#e67e22", "C": "#7f8c8d"}
ENTITY_COLORS = {
    "claim": "#34495e",
    "person": "#2980b9",
    "vehicle": "#8e44ad",
    "plate": "#9b59b6",
    "phone": "#16a085",
    "account": "#d35400",
    "representative": "#c0392b",
    "agent": "#27ae60",
    "repair_shop": "#7f8c8d",
    "hospital": "#2c3e50",
}


def style(
    fig: go.Figure,
    title: str,
    x: str | None = None,
    y: str | None = None,
    height: int = 380,
    legend: str | None = None,
) -> go.Figure:
    """Title, axis titles, CJK font and a compact layout."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        height=height,
        font={"family": FONT, "size": 13},
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        template="plotly_white",
        legend_title_text=legend or "",
    )
    if x is not None:
        fig.update_xaxes(title_text=x)
    if y is not None:
        fig.update_yaxes(title_text=y)
    return fig


def empty(title: str, message: str = "暂无数据 no data yet", x: str = "", y: str = "") -> go.Figure:
    """A chart with only a message: the dashboard still shows where the figure will appear."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 16, "color": "#7f8c8d"},
    )
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return style(fig, title, x, y, height=260)


def bar(
    df: pd.DataFrame,
    x: str,
    y: str | list[str],
    title: str,
    x_title: str,
    y_title: str,
    *,
    color: str | None = None,
    names: dict | None = None,
    horizontal: bool = False,
    barmode: str = "group",
    height: int = 380,
    colors: dict | None = None,
    text: bool = True,
    text_format: str = ",.1~f",
) -> go.Figure:
    """A bar chart: one trace per ``y`` column, or per value of ``color``; bar labels in
    ``text_format`` (d3 format, ``,.0f`` for money in 元)."""
    if df is None or df.empty:
        return empty(title, x=x_title, y=y_title)
    fig = go.Figure()
    traces = []
    if color is not None:
        for key, grp in df.groupby(color, sort=True):
            traces.append((str(key), grp[x], grp[y]))
    else:
        for col in [y] if isinstance(y, str) else y:
            traces.append(((names or {}).get(col, col), df[x], df[col]))
    for name, xs, ys in traces:
        kw = dict(x=ys, y=xs, orientation="h") if horizontal else dict(x=xs, y=ys)
        fig.add_trace(
            go.Bar(
                name=name,
                marker_color=(colors or {}).get(name),
                text=ys if text else None,
                texttemplate=(f"%{{{'x' if horizontal else 'y'}:{text_format}}}" if text else None),
                textposition="auto",
                **kw,
            )
        )
    fig.update_layout(barmode=barmode, showlegend=len(traces) > 1)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        return style(fig, title, y_title, x_title, height=height)
    return style(fig, title, x_title, y_title, height=height)


def timeline(records: pd.DataFrame, title: str = "时间线 timeline") -> go.Figure:
    """Records of one entity over time, one row per company, sized by money (元)."""
    df = records.dropna(subset=["key_date"]) if records is not None and len(records) else records
    if df is None or df.empty:
        return empty(title, x="日期 date", y="公司 company")
    df = df.copy()
    amount = pd.to_numeric(df["amount"], errors="coerce").fillna(0)
    df["size"] = 8 + 22 * np.sqrt(amount / max(float(amount.max()), 1.0))
    fig = go.Figure()
    for kind, grp in df.groupby("record_kind_zh", sort=True):
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(grp["key_date"]),
                y=grp["company_code"],
                mode="markers",
                name=str(kind),
                marker={
                    "size": grp["size"],
                    "opacity": 0.8,
                    "line": {"width": 1, "color": "white"},
                },
                customdata=np.stack(
                    [
                        grp["record_no"].astype(str),
                        grp["key_date_zh"].fillna(""),
                        grp["amount_zh"].fillna("金额"),
                        pd.to_numeric(grp["amount"], errors="coerce")
                        .fillna(0)
                        .map(lambda v: f"{v:,.0f}"),
                        grp["role_zh"].fillna("") if "role_zh" in grp else grp["role"].fillna(""),
                    ],
                    axis=1,
                ),
                hovertemplate="%{customdata[0]}<br>%{customdata[1]} %{x|%Y-%m-%d}<br>"
                "%{customdata[2]} %{customdata[3]} 元<br>角色 %{customdata[4]}<extra></extra>",
            )
        )
    fig.update_yaxes(type="category", categoryorder="category ascending")
    fig.update_xaxes(tickformat="%Y-%m-%d")
    return style(
        fig,
        title,
        "日期 date",
        "公司 company",
        height=max(260, 80 + 40 * df["company_code"].nunique()),
        legend="记录类型 record kind",
    )


def force_layout(
    nodes: list[str], edges: list[tuple[str, str]], iterations: int = 200, seed: int = 7
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold positions for a small graph (a ring has tens to hundreds of nodes)."""
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1, 1, size=(n, 2))
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    e = np.array([(index[a], index[b]) for a, b in edges if a in index and b in index], dtype=int)
    k = math.sqrt(4.0 / n)
    temp = 0.2
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta**2).sum(-1)) + 1e-9
        disp = (delta * (k * k / dist**2)[:, :, None]).sum(1)
        if len(e):
            d = pos[e[:, 0]] - pos[e[:, 1]]
            dl = np.sqrt((d**2).sum(-1)) + 1e-9
            f = d * (dl / k)[:, None]
            np.add.at(disp, e[:, 0], -f)
            np.add.at(disp, e[:, 1], f)
        length = np.sqrt((disp**2).sum(-1)) + 1e-9
        pos += disp / length[:, None] * np.minimum(length, temp)[:, None]
        temp = max(temp * 0.97, 0.002)
    pos -= pos.mean(0)
    return {v: (float(pos[i, 0]), float(pos[i, 1])) for v, i in index.items()}


def ring_graph(edges: pd.DataFrame, title: str = "团伙关系图 ring graph") -> go.Figure:
    """Claims and the entities that link them: a bipartite network, masks as labels."""
    if edges is None or edges.empty:
        return empty(title, "没有可绘制的关联 no links to draw")
    df = edges.copy()
    df["claim_node"] = "C|" + df["company_code"].astype(str) + "|" + df["record_no"].astype(str)
    df["entity_node"] = "E|" + df["entity_type"].astype(str) + "|" + df["token"].astype(str)
    claims = df.drop_duplicates("claim_node")
    ents = df.drop_duplicates("entity_node")
    nodes = list(claims["claim_node"]) + list(ents["entity_node"])
    pairs = list(
        df[["claim_node", "entity_node"]].drop_duplicates().itertuples(index=False, name=None)
    )
    pos = force_layout(nodes, pairs)
    ex, ey = [], []
    for a, b in pairs:
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=ex,
            y=ey,
            mode="lines",
            line={"width": 1, "color": "#bdc3c7"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[pos[v][0] for v in claims["claim_node"]],
            y=[pos[v][1] for v in claims["claim_node"]],
            mode="markers",
            name="赔案 claim",
            marker={"symbol": "square", "size": 11, "color": ENTITY_COLORS["claim"]},
            text=[
                f"{r.company_code} {r.record_no}<br>赔付 {0 if pd.isna(r.amount) else r.amount:,.0f} 元"
                for r in claims.itertuples()
            ],
            hoverinfo="text",
        )
    )
    degree = df.groupby("entity_node")["claim_node"].nunique()
    for etype, grp in ents.groupby("entity_type", sort=True):
        fig.add_trace(
            go.Scatter(
                x=[pos[v][0] for v in grp["entity_node"]],
                y=[pos[v][1] for v in grp["entity_node"]],
                mode="markers+text",
                name=ENTITY_ZH.get(etype, etype),
                marker={
                    "size": [10 + 3 * min(int(degree[v]), 8) for v in grp["entity_node"]],
                    "color": ENTITY_COLORS.get(etype, "#95a5a6"),
                },
                # label the shared entities (the links); single-claim members only on hover
                text=[
                    str(m or "") if degree[v] > 1 else ""
                    for m, v in zip(grp["mask"], grp["entity_node"], strict=True)
                ],
                textposition="top center",
                textfont={"size": 10},
                hovertext=[
                    f"{ENTITY_ZH.get(etype, etype)} {m or ''}<br>关联赔案 {int(degree[v])} 个"
                    for m, v in zip(grp["mask"], grp["entity_node"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=False)
    fig.update_yaxes(showgrid=False, zeroline=False, showticklabels=False)
    return style(
        fig, title, "（网络布局，坐标无单位 layout, no units）", "", height=520, legend="节点 node"
    )
