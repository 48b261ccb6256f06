using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Ranking;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Three API processes on one database behind the reverse proxy (what ./scripts/run --nodes 3 starts): keyed writes and
/// feed reads spread over them, then the node that leads the cluster and runs the projections is killed with SIGKILL, or
/// every node is restarted in turn. Nothing acknowledged is lost or doubled, the projections and the scheduled work move
/// to a survivor, the feed is served throughout, and races across nodes keep the rules. Timings are printed: they are
/// docs/performance.md's failover numbers (CLINICVETTING_CLUSTER_SOAK_SECONDS lengthens the load).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class running_as_a_cluster(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan LoadAfterTheKill = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("CLINICVETTING_CLUSTER_SOAK_SECONDS"), out var soak) ? soak : 8);

    private readonly string _staff = ClusterUnderTest.Token("cluster-staff", Roles.Staff);
    private readonly string _auditor = ClusterUnderTest.Token("cluster-auditor", Roles.Auditor);
    private readonly string _annApprover = ClusterUnderTest.Token("ann-approver", Roles.Approver);
    private readonly string _bobApprover = ClusterUnderTest.Token("bob-approver", Roles.Approver);
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _connection = TestDatabase.Prepare("clinicvetting_cluster");
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var reset = new NpgsqlCommand("drop schema if exists clinicvetting cascade", connection);
        await reset.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Reads the public ranking through the proxy until stopped, keeping every answer's status and time.</summary>
    private sealed class FeedWatcher(HttpClient http) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<(TimeSpan At, int Status)> _answers = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private Task? _loop;

        public TimeSpan Now => _clock.Elapsed;

        public FeedWatcher Start()
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    int status;
                    try
                    {
                        using var answer = await http.GetAsync("/api/public/rankings");
                        status = (int)answer.StatusCode;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        status = 0;
                    }

                    _answers.Enqueue((_clock.Elapsed, status));
                    await Task.Delay(20);
                }
            });
            return this;
        }

        public IReadOnlyList<(TimeSpan At, int Status)> Answers => _answers.ToList();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_loop is not null) await _loop;
        }
    }

    [Fact]
    public async Task killing_the_node_that_leads_and_projects_then_restarting_every_node_in_turn_loses_nothing()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await ClusterUnderTest.Start(_connection, 3);
        output.WriteLine($"Three nodes and the proxy ready in {clock.Elapsed.TotalSeconds:F1} s; node 1 started first, to lead and run the projections.");
        using var staff = cluster.Client(_staff);
        using var approver = cluster.Client(_annApprover);
        using var anonymous = cluster.Client(null);

        // Given cases to write evidence on, a published edition to serve, and credentials whose expiry reminders are scheduled.
        var cases = await cluster.OpenCases(_staff, 12, "Failover");
        await cluster.PublishEdition(staff, approver);
        // Served means projected: the feed answers 404 until the ranking projection has the edition, and a kill before
        // that would measure the survivors' catch-up, not their serving.
        await cluster.Until(async () =>
        {
            using var answer = await anonymous.GetAsync("/api/public/rankings");
            return answer.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), "the published edition never reached the feed");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lapsing = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var created = await staff.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic($"Lapsing Clinic {i}"), ClusterUnderTest.Json);
            var clinic = (await created.Content.ReadFromJsonAsync<NewClinic>(ClusterUnderTest.Json))!.Id;
            (await staff.PostAsJsonAsync($"/api/clinics/{clinic}/claims/accreditations",
                new AccreditationInput("GMP Council", $"GMP-{i}", today.AddYears(-1), today.AddDays(10)), ClusterUnderTest.Json)).EnsureSuccessStatusCode();
            lapsing.Add(clinic);
        }

        await cluster.Until(async () => await cluster.Scalar(
                "select count(*) from clinicvetting.wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%CredentialCheckDue%'") >= 12,
            TimeSpan.FromSeconds(30), "the credential checks were not scheduled");

        // When keyed writes stream through the proxy and the node that leads and runs the projections (node 1, unless the lead moved) is killed with SIGKILL a few seconds in, with half of the
        // scheduled checks just due (that node may be running them) and the others falling due while it is gone.
        await using var feed = new FeedWatcher(anonymous).Start();
        var writes = new ConcurrentQueue<KeyedWrite>();
        var answers = new ConcurrentDictionary<string, WriteAnswer>();
        var next = -1;
        var stopLoad = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                var write = KeyedWrite.For("failover", Interlocked.Increment(ref next), cases);
                writes.Enqueue(write);
                answers[write.Key] = await KeyedWrites.Send(staff, write);
                await Task.Delay(10);
            }
        })));

        await cluster.Until(() => Task.FromResult(answers.Count >= 60), TimeSpan.FromSeconds(60), "the load did not get going");
        await cluster.Scalar("""
            update clinicvetting.wolverine_incoming_envelopes e set execution_time = now() + (d.n % 2) * interval '4 seconds' - interval '1 second'
            from (select id, row_number() over (order by id) as n from clinicvetting.wolverine_incoming_envelopes
                  where status = 'Scheduled' and message_type like '%CredentialCheckDue%') d
            where e.id = d.id returning 1
            """);
        await Task.Delay(300);
        int? victim = null;
        await cluster.Until(async () => (victim = await cluster.LeadingAndProjecting()) is not null, TimeSpan.FromSeconds(30),
            "no single node leads and runs the projections");
        var killedAt = feed.Now;
        var beforeKill = answers.Count;
        cluster.Nodes[victim!.Value - 1]!.KillHard();
        var killed = Stopwatch.StartNew();

        var leaderMoved = cluster.Until(async () => await cluster.Scalar("""
                select count(*) from clinicvetting.wolverine_node_assignments a join clinicvetting.wolverine_nodes n on n.id = a.node_id
                where a.id = 'wolverine://leader/' and n.node_number <> @victim
                """, ("victim", victim.Value)) == 1, TimeSpan.FromSeconds(60), "no survivor took the leadership");
        await Task.Delay(1000);
        var mark = await cluster.LastEventSequence();
        var caughtUp = await cluster.Until(async () => await cluster.ProjectionsReached() >= mark, TimeSpan.FromSeconds(60),
            "no survivor caught the projections up") + TimeSpan.FromSeconds(1);
        var leaderAfter = await leaderMoved;
        var projectionHolders = await cluster.Rows("""
            select distinct a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.classid = 0 and l.granted and a.datname = current_database()
            """, reader => reader.GetString(0));

        var remainingLoad = LoadAfterTheKill - killed.Elapsed;
        if (remainingLoad > TimeSpan.Zero) await Task.Delay(remainingLoad);
        await stopLoad.CancelAsync();
        await load;

        // Then every reminder due in the window is issued exactly once, by a survivor.
        await cluster.Until(async () => await cluster.Scalar(
                "select count(distinct stream_id) from clinicvetting.mt_events where type = 'credential_expiry_reminder_issued' and (data ->> 'daysBefore')::int = 5") == lapsing.Count,
            TimeSpan.FromSeconds(90), "a scheduled reminder did not run after its node died");
        var remindersSinceKill = killed.Elapsed;
        (await cluster.Scalar("""
            select count(*) from (select stream_id, data ->> 'claimId', data ->> 'daysBefore' from clinicvetting.mt_events
            where type = 'credential_expiry_reminder_issued' group by 1, 2, 3 having count(*) > 1) doubled
            """)).ShouldBe(0, "a reminder was issued twice");

        // Every write cut off by the kill is retried with its own key; nothing acknowledged is lost, nothing doubled.
        var all = writes.ToList();
        var cutOff = all.Where(x => !answers[x.Key].IsAcknowledged).ToList();
        var failures = cutOff.GroupBy(x => answers[x.Key].Status).ToDictionary(x => x.Key, x => x.Count());
        foreach (var (key, answer) in await KeyedWrites.SettleAll(staff, cutOff)) answers[key] = answer;
        answers.Values.Where(x => !x.IsAcknowledged).ShouldBeEmpty("every write cut off gets its answer when retried with its key");
        var (lost, doubled) = await KeyedWrites.Verify(cluster, staff, "failover", all, answers);

        // The feed was served throughout, and every async projection is current on the survivors.
        var feedAfterKill = feed.Answers.Where(x => x.At >= killedAt).ToList();
        var feedFailures = feedAfterKill.Count(x => x.Status != 200);

        var survivors = Enumerable.Range(1, 3).Where(x => x != victim).ToArray();
        output.WriteLine($"Killed node {victim} (the leader, running the projections) after {beforeKill} answered writes; {all.Count} writes in all, {cutOff.Count} not acknowledged at first " +
                         $"({string.Join(", ", failures.Select(x => $"{x.Value} x {(x.Key == 0 ? "connection lost" : x.Key.ToString())}"))}); lost {lost}, doubled {doubled}.");
        output.WriteLine($"Failover: projections caught up on a survivor {caughtUp.TotalSeconds:F1} s after the kill " +
                         $"(daemon locks now held by {string.Join(", ", projectionHolders)}); leadership moved within {leaderAfter.TotalSeconds:F1} s; " +
                         $"every reminder due in the window issued once within {remindersSinceKill.TotalSeconds:F1} s of the kill.");
        var feedFailuresByStatus = feedAfterKill.Where(x => x.Status != 200).GroupBy(x => x.Status)
            .Select(x => $"{x.Count()} x {(x.Key == 0 ? "connection lost" : x.Key.ToString())} from {x.Min(y => y.At - killedAt).TotalSeconds:F1} to {x.Max(y => y.At - killedAt).TotalSeconds:F1} s after the kill");
        output.WriteLine($"Feed through the proxy after the kill: {feedAfterKill.Count} reads, {feedFailures} failed ({string.Join("; ", feedFailuresByStatus)}).");

        if (failures.Keys.Any(status => status >= 500))
        {
            foreach (var error in cluster.Nodes.Where(x => x is not null).SelectMany(x => x!.Errors).Take(20)) output.WriteLine(error);
        }

        lost.ShouldBe(0);
        doubled.ShouldBe(0);
        failures.Keys.ShouldAllBe(status => status < 500 || status == 503, "a write answered a server error other than 503");
        feedFailures.ShouldBe(0, "the survivors serve the feed throughout");
        projectionHolders.ShouldNotContain($"clinicvetting-node-{victim}");
        (await cluster.ProjectionsReached()).ShouldBeGreaterThanOrEqualTo(mark);

        // The feed is the same on every survivor within a second of a publication.
        await FeedAgreesOnEveryNodeSoonAfterAPublication(cluster, survivors);

        // Races that land on different nodes keep the rules: one write per key, editions numbered without gaps.
        await OneKeyRunsOnceAcrossNodes(cluster, cases, survivors);
        await RacingApprovalsOnTwoNodesNumberEditionsWithoutGaps(cluster, survivors);

        // And then every node restarts in turn (a deploy) under the same kind of load: no request fails.
        await RestartingEveryNodeInTurnFailsNoRequest(cluster, cases, victim.Value);

        // The log is intact after all that (Marten's tombstone placeholders aside, as in killing_the_api_under_load).
        await TheLogIsIntact(cluster);
        output.WriteLine($"Took {clock.Elapsed.TotalSeconds:F0} s.");
    }

    /// <summary>
    /// Four eyes hold across nodes: an approver who prepared a case on one node is refused approving it on another, and
    /// two other approvers racing to approve it on two nodes give one decision, the case's stream holding one decision event.
    /// </summary>
    [Fact]
    public async Task four_eyes_hold_across_nodes_and_racing_approvers_make_one_decision()
    {
        await using var cluster = await ClusterUnderTest.Start(_connection, 2);
        using var staff = cluster.Client(_staff, cluster.NodeUrl(1));
        using var annOnA = cluster.Client(_annApprover, cluster.NodeUrl(1));
        using var annOnB = cluster.Client(_annApprover, cluster.NodeUrl(2));

        // Given a clinic whose claims satisfy every rule, and a case Ann (an approver) opened and proved on node A.
        var clinic = await ACleanClinic(staff, "Four Eyes Clinic");
        var opened = await annOnA.PostAsJsonAsync("/api/vetting/cases", new OpenCaseInput(clinic), ClusterUnderTest.Json);
        opened.StatusCode.ShouldBe(HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
        var caseId = (await opened.Content.ReadFromJsonAsync<NewVettingCase>(ClusterUnderTest.Json))!.Id;
        foreach (var check in VettingScenarios.AllChecks)
        {
            var recorded = await annOnA.PostAsJsonAsync($"/api/vetting/cases/{caseId}/checks/{check}/evidence",
                new EvidenceBody(EvidenceOutcome.Passed, EvidenceSource.Document, $"https://evidence.example/{check}", DateTimeOffset.UtcNow.AddDays(-1), "Checked with the issuer"),
                ClusterUnderTest.Json);
            recorded.StatusCode.ShouldBe(HttpStatusCode.OK, await recorded.Content.ReadAsStringAsync());
        }

        // When Ann approves it on node B, she is refused: she prepared it.
        using (var own = await annOnB.PostAsync($"/api/vetting/cases/{caseId}/approval", null))
        {
            var body = await own.Content.ReadAsStringAsync();
            own.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, body);
            body.ShouldContain("Four eyes");
        }

        // And when Bob on node A and Cy on node B approve it at the same instant, exactly one decides it.
        using var bobOnA = cluster.Client(_bobApprover, cluster.NodeUrl(1));
        using var cyOnB = cluster.Client(ClusterUnderTest.Token("cy-approver", Roles.Approver), cluster.NodeUrl(2));
        var start = new TaskCompletionSource();
        var race = new[] { bobOnA, cyOnB }.Select(async approver =>
        {
            await start.Task;
            using var answer = await approver.PostAsync($"/api/vetting/cases/{caseId}/approval", null);
            return ((int)answer.StatusCode, await answer.Content.ReadAsStringAsync());
        }).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(race);
        output.WriteLine($"Racing approvals on nodes 1 and 2: {string.Join(", ", answers.Select(x => x.Item1))}.");
        answers.Count(x => x.Item1 == 200).ShouldBe(1, string.Join(" | ", answers.Select(x => x.Item2)));
        answers.Where(x => x.Item1 != 200).ShouldAllBe(x => x.Item1 == 409 || x.Item1 == 422);
        (await cluster.Scalar("select count(*) from clinicvetting.mt_events where stream_id = @case and type in ('vetting_case_approved', 'vetting_case_rejected')",
            ("case", caseId))).ShouldBe(1, "the case's stream holds one decision");
    }

    /// <summary>A clinic whose claims satisfy every rule (as VettingScenarios.ACleanClinic, through a node).</summary>
    private static async Task<Guid> ACleanClinic(HttpClient staff, string name)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var registered = await staff.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic(name), ClusterUnderTest.Json);
        registered.StatusCode.ShouldBe(HttpStatusCode.Created);
        var clinic = (await registered.Content.ReadFromJsonAsync<NewClinic>(ClusterUnderTest.Json))!.Id;
        var claims = $"/api/clinics/{clinic}/claims";
        async Task Send(HttpMethod method, string url, object body)
        {
            using var answer = await staff.SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, body.GetType(), options: ClusterUnderTest.Json) });
            answer.IsSuccessStatusCode.ShouldBeTrue($"{url}: {await answer.Content.ReadAsStringAsync()}");
        }

        await Send(HttpMethod.Post, $"{claims}/licenses", new LicenseInput("COFEPRIS", "LIC-2024-0042", today.AddYears(-1), today.AddYears(2)));
        await Send(HttpMethod.Post, $"{claims}/accreditations",
            new AccreditationInput("Joint Commission International", "JCI-7781", today.AddYears(-1), today.AddYears(2), ["hospital"]));
        await Send(HttpMethod.Post, $"{claims}/therapies", new TherapyInput("Orthopedic conditions", CellType.Mesenchymal, CellSource.Autologous,
            AdministrationRoute.LocalInjection, "CellLab Cancún", "COFEPRIS-LAB-99"));
        await Send(HttpMethod.Post, $"{claims}/team-members", new TeamMemberInput("Dr. Ana Ruiz", "Orthopedic surgery", 14, ["Board certified"]));
        await Send(HttpMethod.Post, $"{claims}/protocols", new ProtocolInput("Knee program", ["Evaluation", "Harvest", "Injection", "Follow-up"]));
        await Send(HttpMethod.Put, $"{claims}/medical-evaluation", new MedicalEvaluationInput(
            VettingRuleSet.Default.Contraindications.Select(x => x.Code).ToList(), RequiresHealthHistory: true, ApprovesBeforeReview: false));
        await Send(HttpMethod.Put, $"{claims}/aftercare", new AftercareInput("Calls at 1, 3 and 6 months", "24/7 physician line, partner hospital", 6));
        await Send(HttpMethod.Post, $"{claims}/marketing-texts", new MarketingTextInput("https://esperanza.example", "Regenerative care with realistic expectations."));
        return clinic;
    }

    /// <summary>
    /// pg_ctl restart under load, on a PostgreSQL cluster of this test's own (so the server the other tests share is never
    /// restarted). Requests during the outage answer 503 with Retry-After, never a 500 or a hang; the nodes reconnect by
    /// themselves; every write retried with its key is recorded exactly once; a scheduled check due during the outage runs
    /// once afterwards; every projection shard resumes. Each restart is bounded: under 60 s from the stop to every
    /// projection caught up. CLINICVETTING_PG_RESTART_ROUNDS restarts the same cluster that many times (default 1).
    /// </summary>
    [Fact]
    public async Task a_postgresql_restart_under_load_answers_503_with_retry_after_and_loses_nothing()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("CLINICVETTING_PG_RESTART_ROUNDS"), out var asked) ? asked : 1;
        var clock = Stopwatch.StartNew();
        await using var postgres = await OwnPostgresCluster.Start();
        await using var cluster = await ClusterUnderTest.Start(postgres.ConnectionString, 2);
        var cases = await cluster.OpenCases(_staff, 8, "Restart");
        output.WriteLine($"Own PostgreSQL on port {postgres.Port} and two nodes ready in {clock.Elapsed.TotalSeconds:F1} s.");

        for (var round = 1; round <= rounds; round++)
        {
            await RestartingPostgresUnderLoad(postgres, cluster, cases, round);
        }

        await TheLogIsIntact(cluster);
        output.WriteLine($"Took {clock.Elapsed.TotalSeconds:F0} s for {rounds} restart(s).");
    }

    private async Task RestartingPostgresUnderLoad(OwnPostgresCluster postgres, ClusterUnderTest cluster, Guid[] cases, int round)
    {
        // The load's client gives up after 15 s: a request that hangs through the outage shows as a failure, not as a slow pass.
        var clientTimeout = TimeSpan.FromSeconds(15);
        using var staff = cluster.Client(_staff);
        using var loadClient = cluster.Client(_staff, timeout: clientTimeout);

        // Given an accreditation whose expiry checks are scheduled in the message store.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var created = await staff.PostAsJsonAsync("/api/clinics", ClinicScenarios.AClinic($"Restart Lapsing Clinic {round}"), ClusterUnderTest.Json);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var lapsing = (await created.Content.ReadFromJsonAsync<NewClinic>(ClusterUnderTest.Json))!.Id;
        (await staff.PostAsJsonAsync($"/api/clinics/{lapsing}/claims/accreditations",
            new AccreditationInput("GMP Council", $"GMP-R{round}", today.AddYears(-1), today.AddDays(10)), ClusterUnderTest.Json)).EnsureSuccessStatusCode();
        const string scheduledChecks = "from clinicvetting.wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%CredentialCheckDue%'";
        await cluster.Until(async () => await cluster.Scalar($"select count(*) {scheduledChecks}") >= 2, TimeSpan.FromSeconds(30),
            "the credential checks were not scheduled");

        // When keyed writes and reads stream to both nodes and PostgreSQL is stopped (pg_ctl stop -m fast) for three
        // seconds and started again on the same port, with the scheduled checks falling due while it is down.
        var writes = new ConcurrentQueue<KeyedWrite>();
        var answers = new ConcurrentDictionary<string, WriteAnswer>();
        var reads = new ConcurrentQueue<(int Status, string? RetryAfter, string? Type, TimeSpan Took)>();
        var next = -1;
        var stopLoad = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                if (worker % 3 == 2)
                {
                    var took = Stopwatch.StartNew();
                    try
                    {
                        using var answer = await loadClient.GetAsync("/api/clinics?pageSize=5");
                        var type = answer.Content.Headers.ContentType?.MediaType == "application/problem+json"
                            ? System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString()
                            : null;
                        reads.Enqueue(((int)answer.StatusCode, answer.Headers.RetryAfter?.ToString(), type, took.Elapsed));
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        reads.Enqueue((0, null, e.GetType().Name, took.Elapsed));
                    }
                }
                else
                {
                    var write = KeyedWrite.For($"restart-{round}", Interlocked.Increment(ref next), cases);
                    writes.Enqueue(write);
                    answers[write.Key] = await KeyedWrites.Send(loadClient, write);
                }

                await Task.Delay(20);
            }
        })));

        await Task.Delay(3000);
        await cluster.Scalar($"update clinicvetting.wolverine_incoming_envelopes set execution_time = now() + interval '1500 milliseconds' where id in (select id {scheduledChecks}) returning 1");
        var restart = Stopwatch.StartNew();
        await postgres.Stop();
        await Task.Delay(3000);
        await postgres.Begin();
        postgres.ClearPool();
        var outage = restart.Elapsed;
        var back = Stopwatch.StartNew();
        await Task.Delay(5000);
        await stopLoad.CancelAsync();
        await load;

        // Then every node answers again by itself.
        for (var number = 1; number <= cluster.Nodes.Length; number++)
        {
            using var direct = cluster.Client(_staff, cluster.NodeUrl(number), clientTimeout);
            await cluster.Until(async () => (await direct.GetAsync("/api/clinics?pageSize=1")).IsSuccessStatusCode, TimeSpan.FromSeconds(30),
                $"node {number} did not reconnect");
        }

        // Every answer that is not a success is a 503 with Retry-After (no 500, no request cut off or left hanging).
        var all = writes.ToList();
        var failedWrites = all.Select(x => answers[x.Key]).Where(x => !x.IsAcknowledged).ToList();
        var failedReads = reads.Where(x => x.Status != 200).ToList();
        var slowest = all.Select(x => answers[x.Key].Took).Concat(reads.Select(x => x.Took)).Max();
        output.WriteLine($"Round {round}: PostgreSQL away for {outage.TotalSeconds:F1} s (pg_ctl stop, 3 s, start) under load: {all.Count} keyed writes, {failedWrites.Count} not acknowledged " +
                         $"({string.Join(", ", failedWrites.GroupBy(x => x.Status).Select(x => $"{x.Count()} x {x.Key}"))}); {reads.Count} reads, " +
                         $"{failedReads.Count} failed ({string.Join(", ", failedReads.GroupBy(x => x.Status).Select(x => $"{x.Count()} x {x.Key}"))}); " +
                         $"slowest answer {slowest.TotalSeconds:F1} s.");
        var expected = $"503 {Problems.TypeBase}database-unavailable Retry-After: {DatabaseUnavailable.RetryAfterSeconds}";
        failedWrites.Select(x => x.Status).Concat(failedReads.Select(x => x.Status)).ShouldAllBe(x => x != 500 && x != 0, "a 500, or a request cut off or timed out");
        failedWrites.Select(x => $"{x.Status} {x.ProblemType} Retry-After: {x.RetryAfter}").Distinct().ShouldAllBe(x => x == expected);
        failedReads.Select(x => $"{x.Status} {x.Type} Retry-After: {x.RetryAfter}").Distinct().ShouldAllBe(x => x == expected);
        slowest.ShouldBeLessThan(clientTimeout, "a request hung");

        // Nothing acknowledged is lost; every write retried with its key is recorded exactly once.
        foreach (var (key, answer) in await KeyedWrites.SettleAll(staff, all.Where(x => !answers[x.Key].IsAcknowledged))) answers[key] = answer;
        var (lost, doubled) = await KeyedWrites.Verify(cluster, staff, $"restart-{round}", all, answers);
        lost.ShouldBe(0);
        doubled.ShouldBe(0);

        // The check that fell due while PostgreSQL was down ran once, after it came back (the durable inbox recovered).
        const string reminders = "from clinicvetting.mt_events where type = 'credential_expiry_reminder_issued' and stream_id = @clinic and (data ->> 'daysBefore')::int = 5";
        await cluster.Until(async () => await cluster.Scalar($"select count(*) {reminders}", ("clinic", lapsing)) >= 1,
            TimeSpan.FromSeconds(30), "the check due during the outage never ran");
        (await cluster.Scalar($"select count(*) {reminders}", ("clinic", lapsing))).ShouldBe(1, "the check due during the outage ran twice");
        (await cluster.Scalar($"select count(*) {reminders} and timestamp >= pg_postmaster_start_time()", ("clinic", lapsing)))
            .ShouldBe(1, "the check ran before PostgreSQL went down (the stop took longer than its 1.5 s delay?)");
        (await cluster.Scalar($"select count(*) {scheduledChecks} and execution_time < now()")).ShouldBe(0, "a check due is still waiting");

        // And every async projection shard resumes and catches up with the log.
        var mark = await cluster.LastEventSequence();
        try
        {
            await cluster.Until(async () => await cluster.ProjectionsReached() >= mark, TimeSpan.FromSeconds(60), "the projections stopped after the restart");
        }
        catch
        {
            output.WriteLine($"Log at {mark}; progress: " + string.Join(", ", await cluster.Rows(
                "select name || '=' || last_seq_id || ' ' || coalesce(agent_status, '?') || ' on ' || coalesce(running_on_node::text, '?') || ' ' || coalesce(left(pause_reason, 400), '') from clinicvetting.mt_event_progression",
                r => r.GetString(0))));
            foreach (var error in cluster.Nodes.SelectMany(x => x!.Errors).Take(30)) output.WriteLine(error);
            throw;
        }

        var recovered = restart.Elapsed;
        output.WriteLine($"Round {round}: the check due during the outage ran once, after the restart; every projection shard running and caught up " +
                         $"{back.Elapsed.TotalSeconds:F1} s after PostgreSQL was back ({recovered.TotalSeconds:F1} s after the stop; checked after 5 s more load and the write checks).");
        recovered.ShouldBeLessThan(TimeSpan.FromSeconds(60), "a restart should be over, projections included, within a minute");
    }

    /// <summary>The node killed before comes back, then each of the others is stopped (SIGTERM) and started again.</summary>
    private async Task RestartingEveryNodeInTurnFailsNoRequest(ClusterUnderTest cluster, Guid[] cases, int killed)
    {
        using var staff = cluster.Client(_staff);
        using var anonymous = cluster.Client(null);

        // When keyed writes and feed reads stream through the proxy while each node in turn is stopped (SIGTERM, as a
        // deploy does) and started again on its port.
        await using var feed = new FeedWatcher(anonymous).Start();
        var writes = new ConcurrentQueue<KeyedWrite>();
        var answers = new ConcurrentDictionary<string, WriteAnswer>();
        var next = -1;
        var stopLoad = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                var write = KeyedWrite.For("rolling", Interlocked.Increment(ref next), cases);
                writes.Enqueue(write);
                answers[write.Key] = await KeyedWrites.Send(staff, write);
                await Task.Delay(20);
            }
        })));
        var restarts = new List<TimeSpan>();
        var loadTime = Stopwatch.StartNew();
        foreach (var number in new[] { killed }.Concat(Enumerable.Range(1, 3).Where(x => x != killed)))
        {
            var restart = Stopwatch.StartNew();
            await cluster.Nodes[number - 1]!.StopGracefully(TimeSpan.FromSeconds(30));
            await cluster.StartNode(number);
            restarts.Add(restart.Elapsed);
            await Task.Delay(1000);
        }

        await stopLoad.CancelAsync();
        await load;
        loadTime.Stop();

        // Then no request failed, nothing was lost or doubled, and the projections are current.
        var all = writes.ToList();
        var failed = all.Where(x => !answers[x.Key].IsAcknowledged).ToList();
        var failures = failed.GroupBy(x => answers[x.Key].Status).ToDictionary(x => x.Key, x => x.Count());
        var feedFailures = feed.Answers.Where(x => x.Status != 200).GroupBy(x => x.Status).ToDictionary(x => x.Key, x => x.Count());
        foreach (var (key, answer) in await KeyedWrites.SettleAll(staff, failed)) answers[key] = answer;
        var (lost, doubled) = await KeyedWrites.Verify(cluster, staff, "rolling", all, answers);
        var mark = await cluster.LastEventSequence();
        var caughtUp = await cluster.Until(async () => await cluster.ProjectionsReached() >= mark, TimeSpan.FromSeconds(60),
            "the projections did not catch up after the rolling restart");

        output.WriteLine($"Rolling restart of 3 nodes (each {string.Join(", ", restarts.Select(x => $"{x.TotalSeconds:F1} s"))} from SIGTERM to ready): " +
                         $"{all.Count} keyed writes, {failed.Count} failed ({string.Join(", ", failures.Select(x => $"{x.Value} x {(x.Key == 0 ? "connection lost" : x.Key.ToString())}"))}); " +
                         $"{feed.Answers.Count} feed reads, {feedFailures.Values.Sum()} failed ({string.Join(", ", feedFailures.Select(x => $"{x.Value} x {(x.Key == 0 ? "connection lost" : x.Key.ToString())}"))}); lost {lost}, doubled {doubled}; projections current {caughtUp.TotalSeconds:F1} s after the load.");
        var perSecond = (writes.Count + feed.Answers.Count) / loadTime.Elapsed.TotalSeconds;
        output.WriteLine($"Single-node baseline (same run): one node is away {restarts.Average(x => x.TotalSeconds):F1} s from SIGTERM to ready; " +
                         $"alone, that refuses every request meanwhile, about {perSecond * restarts.Average(x => x.TotalSeconds):F0} at this load's {perSecond:F0} requests/s.");
        lost.ShouldBe(0);
        doubled.ShouldBe(0);
        failed.ShouldBeEmpty("a node stopping gracefully finishes its requests, and the proxy sends new ones elsewhere");
        feedFailures.ShouldBeEmpty("the proxy sends reads to the nodes that are up");
    }

    private async Task FeedAgreesOnEveryNodeSoonAfterAPublication(ClusterUnderTest cluster, int[] nodes)
    {
        var readers = nodes.Select(n => cluster.Client(null, cluster.NodeUrl(n))).ToList();
        async Task<string?> ETag(HttpClient reader)
        {
            using var answer = await reader.GetAsync("/api/public/rankings");
            return answer.Headers.ETag?.Tag;
        }

        var before = await Task.WhenAll(readers.Select(ETag));
        before.Distinct().Count().ShouldBe(1, "the survivors disagree before the publication");
        using var staff = cluster.Client(_staff);
        using var approver = cluster.Client(_bobApprover);
        await cluster.PublishEdition(staff, approver);
        var published = Stopwatch.StartNew();
        var seen = await Task.WhenAll(readers.Select(async reader =>
        {
            while (await ETag(reader) == before[0])
            {
                published.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15), "a node never showed the new edition");
                await Task.Delay(20);
            }

            return published.Elapsed;
        }));
        var after = await Task.WhenAll(readers.Select(ETag));
        output.WriteLine($"A publication showed on nodes {string.Join(", ", nodes)} after {string.Join(", ", seen.Select(x => $"{x.TotalMilliseconds:F0} ms"))}.");
        after.Distinct().Count().ShouldBe(1, "the nodes serve different feeds");
        (seen.Max() - seen.Min()).ShouldBeLessThan(TimeSpan.FromSeconds(1), "every node shows a publication within a second of the first");
        // Seconds after a failover the projection may still be on its way to a survivor (or restarted by StoppedShardRecovery:
        // 3 s stopped, then its next 2 s check): 3.8 s was seen once in four idle runs, so the bound allows for that.
        seen.Max().ShouldBeLessThan(TimeSpan.FromSeconds(8), "the projection and the feed's revision check should show a publication within seconds of a failover");
        foreach (var reader in readers) reader.Dispose();
    }

    private async Task OneKeyRunsOnceAcrossNodes(ClusterUnderTest cluster, Guid[] cases, int[] nodes)
    {
        var clients = nodes.Select(n => cluster.Client(_staff, cluster.NodeUrl(n))).ToList();
        var writes = Enumerable.Range(0, 10).Select(i => KeyedWrite.For("race", i, cases)).ToList();
        var first = await Task.WhenAll(writes.SelectMany(write => clients.Select(async client => (write.Key, Answer: await KeyedWrites.Send(client, write)))));
        first.Select(x => x.Answer.Status).ShouldAllBe(x => x == 200 || x == 409);
        var answers = new Dictionary<string, WriteAnswer>();
        foreach (var write in writes)
        {
            answers[write.Key] = first.FirstOrDefault(x => x.Key == write.Key && x.Answer.Status == 200).Answer
                                 ?? await KeyedWrites.Settle(clients[0], write);
        }

        var (lost, doubled) = await KeyedWrites.Verify(cluster, clients[1], "race", writes, answers);
        output.WriteLine($"One key sent at once to nodes {string.Join(" and ", nodes)}, 10 times: {first.Count(x => x.Answer.Status == 200)} answers 200, " +
                         $"{first.Count(x => x.Answer.Status == 409)} told to retry; lost {lost}, doubled {doubled}.");
        lost.ShouldBe(0);
        doubled.ShouldBe(0);
        foreach (var client in clients) client.Dispose();
    }

    private async Task RacingApprovalsOnTwoNodesNumberEditionsWithoutGaps(ClusterUnderTest cluster, int[] nodes)
    {
        using var staff = cluster.Client(_staff);
        var proposals = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var proposed = await staff.PostAsync("/api/ranking/proposals", null);
            proposed.StatusCode.ShouldBe(HttpStatusCode.Created);
            proposals.Add((await proposed.Content.ReadFromJsonAsync<NewRankingProposal>(ClusterUnderTest.Json))!.Id);
        }

        var approvers = new[] { (_annApprover, nodes[0]), (_bobApprover, nodes[1]) }
            .Select(x => cluster.Client(x.Item1, cluster.NodeUrl(x.Item2))).ToList();
        var attempts = await Task.WhenAll(proposals.SelectMany(proposal => approvers.Select(async approver =>
        {
            using var answer = await approver.PostAsJsonAsync($"/api/ranking/proposals/{proposal}/approval", new ApprovalInput(), ClusterUnderTest.Json);
            return ((int)answer.StatusCode, answer.IsSuccessStatusCode ? (await answer.Content.ReadFromJsonAsync<NewEdition>(ClusterUnderTest.Json))!.Edition : 0);
        })));
        attempts.Select(x => x.Item1).ShouldAllBe(x => x == 201 || x == 409);
        attempts.Count(x => x.Item1 == 201).ShouldBeGreaterThan(0);
        (await cluster.Scalar("select count(*) from (select data ->> 'proposalId' from clinicvetting.mt_events where type = 'ranking_edition_published' group by 1 having count(*) > 1) twice"))
            .ShouldBe(0, "a proposal was published twice");
        var numbers = (await cluster.Rows("select (data ->> 'edition')::int from clinicvetting.mt_events where type = 'ranking_edition_published' order by seq_id",
            reader => reader.GetInt32(0))).ToList();
        output.WriteLine($"Six approvals of three proposals raced on nodes {string.Join(" and ", nodes)}: editions in the log {string.Join(", ", numbers)}.");
        numbers.ShouldBe(Enumerable.Range(1, numbers.Count).ToList(), "edition numbers in log order are 1, 2, 3... without gaps or repeats");
        foreach (var approver in approvers) approver.Dispose();
    }

    private async Task TheLogIsIntact(ClusterUnderTest cluster)
    {
        using var auditor = cluster.Client(_auditor);
        var report = (await auditor.GetFromJsonAsync<IntegrityReport>("/api/audit/integrity", ClusterUnderTest.Json))!;
        var tombstones = (await cluster.Rows("select distinct stream_id from clinicvetting.mt_events where type = 'tombstone'", reader => reader.GetGuid(0))).ToHashSet();
        var problems = report.Problems.Where(x => x.StreamId is not { } stream || !tombstones.Contains(stream)).ToList();
        output.WriteLine($"Integrity: valid {report.Valid}, {report.ProblemCount} problems, {report.ProblemCount - problems.Count} of them on tombstone streams.");
        problems.ShouldBeEmpty();
    }
}
