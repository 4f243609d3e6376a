/// The dashboard's Mustache templates, compiled into the binary so the collector needs no asset directory.
enum DashboardTemplates {
    static let layout = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · EdgeFleet</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/dashboard.css"></head>
        <body><header><a class="brand" href="/">EdgeFleet</a><nav><a href="/">Fleet</a><a href="/models">Models</a><a href="/events">Events</a></nav>
        <span class="stamp">rendered {{rendered}} UTC</span></header>
        <main>{{{content}}}</main></body></html>
        """

    static let fleet = """
        <h1>Fleet</h1>
        <section class="cards">
        <div class="card"><div class="value" id="device-count">{{summary.devices}}</div><div class="label">devices</div></div>
        <div class="card"><div class="value" id="online-count">{{summary.online}}</div><div class="label">online</div></div>
        <div class="card"><div class="value">{{summary.models}}</div><div class="label">models</div></div>
        <div class="card"><div class="value">{{summary.reports}}</div><div class="label">telemetry reports</div></div>
        </section>
        {{#filter}}<p class="filter">Showing {{.}} · <a href="/">all devices</a></p>{{/filter}}
        <table id="fleet"><thead><tr><th>Device</th><th>State</th><th>Profile</th><th>Agent</th><th>Model</th><th>Version</th>
        <th class="num">p95 latency</th><th class="num">Throughput</th><th>Last seen</th><th>Groups</th></tr></thead><tbody>
        {{{rows}}}</tbody></table>
        {{#empty}}<p class="empty">No device has reported yet. Devices appear with their first message.</p>{{/empty}}
        """

    static let device = """
        <h1>Device <span id="device-id">{{device.id}}</span> <span class="state {{state}}">{{state}}</span></h1>
        <section class="facts"><dl>
        <dt>Profile</dt><dd>{{device.profile}}</dd><dt>Agent</dt><dd>{{device.agentVersion}}</dd>
        <dt>Hardware</dt><dd>{{hardware}}</dd><dt>Input</dt><dd>{{device.input}}</dd>
        <dt>Serving</dt><dd>{{#current}}<a href="/models/{{name}}">{{name}}</a> {{version}} <code>{{short}}</code>{{/current}}{{^current}}—{{/current}}</dd>
        <dt>Previous</dt><dd>{{#previous}}{{name}} {{version}} <code>{{short}}</code>{{/previous}}{{^previous}}—{{/previous}}</dd>
        <dt>Last seen</dt><dd>{{lastSeen}}</dd><dt>Status</dt><dd>{{status}}</dd>
        <dt>Tags</dt><dd>{{tags}}</dd><dt>Groups</dt><dd>{{groups}}</dd>
        </dl></section>
        <p class="range">Range: <a href="/devices/{{device.id}}?range=hour">last hour (per minute)</a> · <a href="/devices/{{device.id}}?range=day">last day (per hour)</a></p>
        <section class="charts">
        <figure><figcaption>Latency</figcaption>{{{latencyChart}}}</figure>
        <figure><figcaption>Throughput</figcaption>{{{throughputChart}}}</figure>
        <figure><figcaption>Predicted classes</figcaption>{{{classChart}}}</figure>
        </section>
        <h2>Updates</h2>
        <table><thead><tr><th>Assignment</th><th>Model</th><th>Version</th><th>Phase</th><th class="num">Received</th><th>Served chunks</th><th>Created</th></tr></thead><tbody>
        {{#assignments}}<tr><td><code>{{id}}</code></td><td>{{model}}</td><td>{{version}} (#{{release}})</td><td>{{phase}}</td><td class="num">{{received}}</td><td>{{served}}</td><td>{{created}}</td></tr>{{/assignments}}
        </tbody></table>{{^assignments}}<p class="empty">No assignment yet.</p>{{/assignments}}
        <h2>Recent events</h2>
        <table><thead><tr><th>Time</th><th>Event</th><th>Details</th></tr></thead><tbody>
        {{#events}}<tr><td>{{time}}</td><td>{{name}}</td><td>{{details}}</td></tr>{{/events}}
        </tbody></table>{{^events}}<p class="empty">No events yet.</p>{{/events}}
        """

    static let models = """
        <h1>Model registry</h1>
        <table id="models"><thead><tr><th>Model</th><th class="num">Versions</th><th>Latest</th><th>Aliases</th><th class="num">Devices</th><th>Since</th></tr></thead><tbody>
        {{#models}}<tr><td><a href="/models/{{name}}">{{name}}</a></td><td class="num">{{versionCount}}</td><td>{{latest}}</td><td>{{aliases}}</td><td class="num">{{devices}}</td><td>{{created}}</td></tr>{{/models}}
        </tbody></table>{{^models}}<p class="empty">No model registered yet: upload a signed bundle with POST /api/v1/bundles.</p>{{/models}}
        """

    static let model = """
        <h1>Model <span id="model-name">{{name}}</span></h1>
        <section class="charts"><figure><figcaption>Fleet latency (last day)</figcaption>{{{latencyChart}}}</figure></section>
        <h2>Versions</h2>
        <table id="versions"><thead><tr><th>Release</th><th>Version</th><th>Digest</th><th>Lineage</th><th>Evaluation</th><th>Blessed</th><th>Aliases</th><th>Tags</th><th>Created by</th><th>Registered</th><th>Runs on</th></tr></thead><tbody>
        {{#versions}}<tr><td>#{{release}}</td><td>{{version}}</td><td><code>{{short}}</code></td><td>{{lineage}}</td><td>{{evaluation}}</td>
        <td>{{#blessed}}<span class="state online">blessed</span>{{/blessed}}{{^blessed}}—{{/blessed}}</td><td>{{aliases}}</td><td>{{tags}}</td>
        <td>{{createdBy}} ({{source}})</td><td>{{registered}}</td>
        <td>{{#devices}}<a href="/devices/{{.}}">{{.}}</a> {{/devices}}{{^devices}}—{{/devices}}{{#more}} and {{.}} more{{/more}}</td></tr>{{/versions}}
        </tbody></table>
        <h2>Lineage</h2>
        <ul class="lineage">{{#versions}}<li><strong>{{version}}</strong> (#{{release}}) ← {{parent}} · dataset <code>{{dataset}}</code> · code {{code}}</li>{{/versions}}</ul>
        """

    static let events = """
        <h1>Events</h1>
        <table id="events"><thead><tr><th>Time</th><th>Source</th><th>Device</th><th>Model</th><th>Event</th><th>Details</th></tr></thead><tbody>
        {{#events}}<tr><td>{{time}}</td><td>{{source}}</td><td>{{#device}}<a href="/devices/{{device}}">{{device}}</a>{{/device}}</td><td>{{model}}</td><td>{{name}}</td><td>{{details}}</td></tr>{{/events}}
        </tbody></table>{{^events}}<p class="empty">No events yet.</p>{{/events}}
        """

    static let stylesheet = """
        :root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --accent: #2f6fed; --ok: #12805c; --bad: #b42318; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #f7f8fa; }
        header { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #101828; color: #fff; }
        header a { color: #fff; text-decoration: none; margin-right: 16px; }
        header .brand { font-weight: 700; font-size: 16px; }
        header .stamp { margin-left: auto; color: #98a2b3; font-size: 12px; }
        main { padding: 16px 24px 48px; max-width: 1400px; }
        h1 { font-size: 22px; margin: 8px 0 16px; } h2 { font-size: 17px; margin: 28px 0 8px; }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); white-space: nowrap; }
        th { background: #f2f4f7; font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .02em; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        a { color: var(--accent); }
        .state { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
        .state.online { background: #d1fadf; color: var(--ok); } .state.offline { background: #fee4e2; color: var(--bad); }
        .cards { display: flex; gap: 12px; margin-bottom: 16px; }
        .card { background: #fff; border: 1px solid var(--line); padding: 10px 16px; min-width: 140px; }
        .card .value { font-size: 24px; font-weight: 700; } .card .label { color: var(--muted); font-size: 12px; }
        .facts dl { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 4px 16px; background: #fff; border: 1px solid var(--line); padding: 12px 16px; }
        dt { color: var(--muted); } dd { margin: 0; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; margin-top: 12px; }
        figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: 8px; }
        figcaption { font-weight: 600; margin-bottom: 4px; }
        svg.chart { width: 100%; height: auto; }
        svg .grid { stroke: var(--line); stroke-width: 1; } svg .axis, svg .legend { font-size: 11px; fill: var(--muted); }
        svg .bar { fill: var(--accent); }
        .empty, .filter, .range { color: var(--muted); } .error { color: var(--bad); }
        code { font-size: 12px; background: #f2f4f7; padding: 0 4px; }
        ul.lineage { background: #fff; border: 1px solid var(--line); padding: 10px 28px; }
        """
}
