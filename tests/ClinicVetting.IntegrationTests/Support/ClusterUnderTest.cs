using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClinicVetting.Clinics;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Ranking;
using ClinicVetting.Vetting.Cases;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>
/// N API processes on one database behind the reverse proxy of src/ClinicVetting.Proxy, each node's connections named
/// clinicvetting-node-N in pg_stat_activity so the test can see which node holds which lock.
/// </summary>
public sealed class ClusterUnderTest : IAsyncDisposable
{
    public const string Key = "cluster-tests-signing-key-not-a-secret-0123456789";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly TokenIssuer Tokens = new(new SigningKey(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), "test"),
        Options.Create(new AuthOptions()));

    public static string Token(string user, params string[] roles) => Tokens.Issue(user, roles, TimeSpan.FromHours(1));

    private readonly string _connection;
    private readonly int[] _ports;
    private readonly IReadOnlyDictionary<string, string> _settings;

    public ApiProcess?[] Nodes { get; }
    public ApiProcess Proxy { get; private set; } = null!;

    private ClusterUnderTest(string connection, int count, IReadOnlyDictionary<string, string>? settings)
    {
        _connection = connection;
        _ports = Enumerable.Range(0, count).Select(_ => ApiProcess.FreePort()).ToArray();
        Nodes = new ApiProcess?[count];
        _settings = settings ?? new Dictionary<string, string>();
    }

    /// <summary>
    /// As scripts/run --nodes does: the schema applied once (db-apply), then node 1 alone (it wins every election), then
    /// the others at once, then the proxy. The nodes run with AutoCreateSchema None, as in production: none creates a table.
    /// </summary>
    public static async Task<ClusterUnderTest> Start(string connection, int count, IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new ClusterUnderTest(connection, count, settings);
        try
        {
            await ApiProcess.ApplySchema(connection, Key);
            await cluster.StartNode(1);
            await cluster.Until(async () => await cluster.HoldsLeadershipAndProjections(1), TimeSpan.FromSeconds(60),
                "node 1 did not take the leadership and the projection daemon's lock");
            await Task.WhenAll(Enumerable.Range(2, count - 1).Select(cluster.StartNode));
            cluster.Proxy = await ApiProcess.StartProxy(cluster.Nodes.Select(x => x!));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public string NodeUrl(int number) => $"http://127.0.0.1:{_ports[number - 1]}";

    public async Task StartNode(int number)
    {
        if (Nodes[number - 1] is { } stopped) await stopped.DisposeAsync();
        var settings = new Dictionary<string, string>(_settings)
        {
            ["ClinicVetting__Proxy__KnownProxies__0"] = "127.0.0.1",
            ["ClinicVetting__Cluster__DrainSeconds"] = "2",
            ["ClinicVetting__AutoCreateSchema"] = "None",
        };
        Nodes[number - 1] = await ApiProcess.Start(
            new NpgsqlConnectionStringBuilder(_connection) { ApplicationName = $"clinicvetting-node-{number}" }.ConnectionString,
            Key, _ports[number - 1], settings);
    }

    public HttpClient Client(string? token, string? baseUrl = null, TimeSpan? timeout = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = new Uri(baseUrl ?? Proxy.BaseUrl),
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>
    /// Whether node N holds Wolverine's leadership (its agent assignment) and every single-key advisory lock, the
    /// projection daemon's among them. Node numbers in wolverine_nodes follow the order nodes registered.
    /// </summary>
    public async Task<bool> HoldsLeadershipAndProjections(int number)
    {
        var leader = await Scalar("""
            select count(*) from clinicvetting.wolverine_node_assignments a join clinicvetting.wolverine_nodes n on n.id = a.node_id
            where a.id = 'wolverine://leader/' and n.node_number = @number
            """, ("number", number));
        var locks = await Scalar("""
            select count(*) filter (where a.application_name = @name) * 1000 + count(*) filter (where a.application_name <> @name)
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.classid = 0 and l.granted and a.datname = current_database()
            """, ("name", $"clinicvetting-node-{number}"));
        return leader == 1 && locks >= 1000 && locks % 1000 == 0;
    }

    /// <summary>The node that now leads and holds every daemon lock, if one node holds both.</summary>
    public async Task<int?> LeadingAndProjecting()
    {
        for (var number = 1; number <= Nodes.Length; number++)
        {
            if (Nodes[number - 1] is { HasExited: false } && await HoldsLeadershipAndProjections(number)) return number;
        }

        return null;
    }

    /// <summary>The lowest position any async projection has reached (Marten's progression table).</summary>
    public Task<long> ProjectionsReached() =>
        Scalar("select coalesce(min(last_seq_id), 0) from clinicvetting.mt_event_progression where name like '%:All'");

    public Task<long> LastEventSequence() => Scalar("select coalesce(max(seq_id), 0) from clinicvetting.mt_events");

    public async Task<long> Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task<List<T>> Rows<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    public async Task<TimeSpan> Until(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            clock.Elapsed.ShouldBeLessThan(timeout, failure);
            await Task.Delay(50);
        }

        return clock.Elapsed;
    }

    /// <summary>
    /// Open vetting cases to write evidence on (evidence has no natural key: run twice, it records twice). The first on each
    /// node directly and one at a time, with a keyed write: each node compiles its handlers on their first call (slow on a
    /// busy machine). The tables exist already (db-apply in Start), so no node creates one.
    /// </summary>
    public async Task<Guid[]> OpenCases(string token, int count, string prefix)
    {
        var cases = new List<Guid>();
        for (var number = 1; number <= Nodes.Length; number++)
        {
            using var node = Client(token, NodeUrl(number));
            var opened = await OpenCase(node, $"{prefix} Clinic on node {number}");
            (await KeyedWrites.Send(node, new KeyedWrite($"warm-up-{prefix}-{number}", opened, VettingScenarios.AllChecks[0]))).Status.ShouldBe(200);
            cases.Add(opened);
        }

        using var proxied = Client(token);
        cases.AddRange(await Task.WhenAll(Enumerable.Range(0, count - Nodes.Length).Select(i => OpenCase(proxied, $"{prefix} Clinic {i}"))));
        return cases.ToArray();
    }

    private static async Task<Guid> OpenCase(HttpClient staff, string name)
    {
        {
            var registered = await staff.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic(name), Json);
            registered.StatusCode.ShouldBe(HttpStatusCode.Created);
            var clinic = (await registered.Content.ReadFromJsonAsync<NewClinic>(Json))!.Id;
            var opened = await staff.PostAsJsonAsync("/api/vetting/cases", new OpenCaseInput(clinic), Json);
            opened.StatusCode.ShouldBe(HttpStatusCode.Created);
            return (await opened.Content.ReadFromJsonAsync<NewVettingCase>(Json))!.Id;
        }
    }

    /// <summary>A ranking edition proposed by one member of staff and approved by an approver (four eyes).</summary>
    public async Task<NewEdition> PublishEdition(HttpClient staff, HttpClient approver)
    {
        var proposed = await staff.PostAsync("/api/ranking/proposals", null);
        proposed.StatusCode.ShouldBe(HttpStatusCode.Created, await proposed.Content.ReadAsStringAsync());
        var proposal = (await proposed.Content.ReadFromJsonAsync<NewRankingProposal>(Json))!;
        var approved = await approver.PostAsJsonAsync($"/api/ranking/proposals/{proposal.Id}/approval", new ApprovalInput(), Json);
        approved.StatusCode.ShouldBe(HttpStatusCode.Created, await approved.Content.ReadAsStringAsync());
        return (await approved.Content.ReadFromJsonAsync<NewEdition>(Json))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null) await Proxy.DisposeAsync();
        foreach (var node in Nodes)
        {
            if (node is not null) await node.DisposeAsync();
        }
    }
}

/// <summary>One keyed evidence write; its reference is its key, so its records can be counted in the log.</summary>
public sealed record KeyedWrite(string Key, Guid CaseId, string Check)
{
    private static readonly DateTimeOffset ObtainedAt = DateTimeOffset.UtcNow.AddDays(-1);

    public EvidenceBody Body => new(EvidenceOutcome.Failed, EvidenceSource.Document, Key, ObtainedAt, "Cluster test");

    public static KeyedWrite For(string prefix, int i, IReadOnlyList<Guid> cases) =>
        new($"{prefix}-{i:D5}", cases[i % cases.Count], VettingScenarios.AllChecks[i % VettingScenarios.AllChecks.Length]);
}

public sealed record WriteAnswer(int Status, string Body, bool Replayed, string? ProblemType, string? RetryAfter, TimeSpan Took)
{
    public bool IsStillRunning => Status == 409 && ProblemType?.EndsWith("idempotency-key-in-flight") == true;
    public bool IsLostRace => Status == 409 && !IsStillRunning;
    public bool IsAcknowledged => Status is >= 200 and < 300;
}

public static class KeyedWrites
{
    /// <summary>Sends one keyed write; a connection cut off on the way is an answer of status 0.</summary>
    public static async Task<WriteAnswer> Send(HttpClient http, KeyedWrite write)
    {
        var clock = Stopwatch.StartNew();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/vetting/cases/{write.CaseId}/checks/{write.Check}/evidence")
        {
            Content = JsonContent.Create(write.Body, options: ClusterUnderTest.Json),
        };
        request.Headers.Add(IdempotencyMiddleware.Header, write.Key);
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            string? problemType = null;
            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                problemType = JsonDocument.Parse(body).RootElement.GetProperty("type").GetString();
            }

            return new WriteAnswer((int)response.StatusCode, body,
                response.Headers.TryGetValues(IdempotencyMiddleware.ReplayedHeader, out var replayed) && replayed.Contains("true"),
                problemType, response.Headers.RetryAfter?.ToString(), clock.Elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new WriteAnswer(0, e.GetType().Name, false, null, null, clock.Elapsed);
        }
    }

    /// <summary>Retries a write as a careful client does, with its key, until it has a final answer (within a bound).</summary>
    public static async Task<WriteAnswer> Settle(HttpClient http, KeyedWrite write)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var answer = await Send(http, write);
            if (answer.IsAcknowledged || answer.Status is >= 400 and < 500 && !answer.IsLostRace && !answer.IsStillRunning
                                      || DateTime.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(answer.IsStillRunning || answer.Status == 503 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100));
        }
    }

    public static async Task<Dictionary<string, WriteAnswer>> SettleAll(HttpClient http, IEnumerable<KeyedWrite> writes)
    {
        var answers = new ConcurrentDictionary<string, WriteAnswer>();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (write, _) => answers[write.Key] = await Settle(http, write));
        return answers.ToDictionary();
    }

    /// <summary>Every evidence record whose reference starts with the prefix: (reference, stream, version).</summary>
    public static Task<List<(string Reference, Guid StreamId, long Version)>> InTheLog(ClusterUnderTest cluster, string prefix) =>
        cluster.Rows($"""
            select data -> 'evidence' ->> 'reference', stream_id, version from clinicvetting.mt_events
            where type = 'evidence_recorded' and data -> 'evidence' ->> 'reference' like '{prefix}-%'
            """, reader => (reader.GetString(0), reader.GetGuid(1), reader.GetInt64(2)));

    /// <summary>
    /// Every acknowledged write recorded once, with the version its answer named; every write sent again replays its first
    /// answer. Returns (lost, doubled).
    /// </summary>
    public static async Task<(int Lost, int Doubled)> Verify(ClusterUnderTest cluster, HttpClient http, string prefix,
        IReadOnlyList<KeyedWrite> writes, IReadOnlyDictionary<string, WriteAnswer> answers)
    {
        var perKey = (await InTheLog(cluster, prefix)).GroupBy(x => x.Reference).ToDictionary(x => x.Key, x => x.ToList());
        var lost = writes.Count(x => !perKey.ContainsKey(x.Key));
        var doubled = perKey.Count(x => x.Value.Count > 1);
        foreach (var write in writes.Where(x => answers[x.Key].IsAcknowledged && perKey.ContainsKey(x.Key)))
        {
            var answer = JsonSerializer.Deserialize<CaseVersion>(answers[write.Key].Body, ClusterUnderTest.Json)!;
            var recorded = perKey[write.Key][0];
            (recorded.StreamId, recorded.Version).ShouldBe((answer.CaseId, answer.Version), write.Key);
        }

        var again = await SettleAll(http, writes);
        foreach (var write in writes)
        {
            again[write.Key].Status.ShouldBe(200, write.Key);
            again[write.Key].Replayed.ShouldBeTrue(write.Key);
            again[write.Key].Body.ShouldBe(answers[write.Key].Body, write.Key);
        }

        return (lost, doubled);
    }
}
