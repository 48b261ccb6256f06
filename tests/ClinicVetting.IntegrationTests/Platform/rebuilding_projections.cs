using ClinicVetting.Shared;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Ranking;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Ranking;
using ClinicVetting.Ranking.PublicFeed;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;
using ClinicVetting.Vetting.ReferenceData;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Every projection and every inline snapshot, rebuilt from the events alone, equals the one kept live, whatever the
/// history: random histories (by seed) with time passing (reminders, lapses, suspensions, reinstatements), cases approved
/// and rejected, reviews held, published, rejected and restored, rule and regulator changes, editions and declined
/// proposals, lost races (409s, and appends that failed after taking sequence numbers), and a restart midway.
/// </summary>
public class rebuilding_projections(AppFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IntegrationContext(fixture)
{
    private enum Step
    {
        NewVettingCase, CaseApproved, CaseRejected, ProfileUpdated, UpdatesRaced, RegistrationsRaced, RedFlagRaised, RedFlagCleared,
        AccreditationExpiring, TimePassed, ReinstatedAfterLapse, ReviewsSubmitted, HeldReviewPublished, ReviewRejected,
        ReviewRestored, EfficiencyMeasured, VettingRulesChanged, RegulatorChanged, NewEdition, ProposalDecline,
        SponsoredPlacement,
    }

    /// <summary>The application under test, on a database of its own so that it can be stopped and started again.</summary>
    private IAlbaHost _app = null!;
    private string _database = "";
    private Random _random = null!;
    private readonly List<CredentialCheckDue> _scheduled = [];
    private int _conflicts;
    private int _names;

    private IDocumentStore AppStore => _app.Services.GetRequiredService<IDocumentStore>();
    private string Olivia => Fixture.TokenFor("olivia-approver", Roles.Approver);
    // Whoever changes the reference data prepares every case decided after it (four eyes): a third approver keeps it.
    private string Rhea => Fixture.TokenFor("rhea-reference-approver", Roles.Approver);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _database = TestDatabase.Prepare("clinicvetting_rebuild");
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await new NpgsqlCommand("drop schema if exists clinicvetting cascade", connection).ExecuteNonQueryAsync();
        _app = await AppFixture.StartHost(_database, Fixture.Clock);
    }

    public override async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1789)]
    public async Task rebuilt_from_the_events_every_projection_and_snapshot_equals_the_live_one(int seed)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        await RandomHistory(seed);
        output.WriteLine($"History of seed {seed} in {elapsed.Elapsed.TotalSeconds:0.0} s");

        var differences = new List<string>();
        var snapshots = await CompareInlineSnapshots(differences);
        var projections = await CompareRebuiltProjections(differences);
        output.WriteLine($"Compared in {elapsed.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", snapshots.Concat(projections).Select(x => $"{x.Key} {x.Value}"))}");

        differences.ShouldBeEmpty();
        snapshots.ShouldAllBe(x => x.Value > 0, "every inline snapshot had documents to compare");
        projections.ShouldAllBe(x => x.Value > 0, "every rebuilt projection had documents to compare");
        await HistoryCovered();
    }

    /// <summary>Every kind of step once and eight more at random, in a random order, with a restart halfway.</summary>
    private async Task RandomHistory(int seed)
    {
        _random = new Random(seed);
        await _app.AnApprovedClinic(Fixture, NewName(), Ratings(6));
        await _app.AnApprovedClinic(Fixture, NewName(), Ratings(7));

        var steps = Enum.GetValues<Step>().Concat(Enumerable.Range(0, 8).Select(_ => Enum.GetValues<Step>()[_random.Next(Enum.GetValues<Step>().Length)]))
            .OrderBy(_ => _random.Next()).ToList();
        for (var i = 0; i < steps.Count; i++)
        {
            if (i == steps.Count / 2)
            {
                await Restart();
            }

            output.WriteLine($"{Fixture.Clock.Today} {steps[i]}");
            await Take(steps[i]);
        }

        await Take(Step.NewEdition);
        await Marten.Events.TestingExtensions.ForceAllMartenDaemonActivityToCatchUpAsync(_app, CancellationToken.None, Marten.Events.CatchUpMode.AndDoNothing);
    }

    private Task Take(Step step) => step switch
    {
        Step.NewVettingCase => OpenACase(),
        Step.CaseApproved => DecideACase(approve: true),
        Step.CaseRejected => DecideACase(approve: false),
        Step.ProfileUpdated => UpdateAProfile(),
        Step.UpdatesRaced => RaceUpdates(),
        Step.RegistrationsRaced => RaceRegistrations(),
        Step.RedFlagRaised => RaiseARedFlag(),
        Step.RedFlagCleared => ClearARedFlag(),
        Step.AccreditationExpiring => AnExpiringAccreditation(10 + _random.Next(60), null),
        Step.TimePassed => PassTime(TimeSpan.FromDays(3 + _random.Next(40))),
        Step.ReinstatedAfterLapse => ReinstateAfterALapse(),
        Step.ReviewsSubmitted => SubmitReviews(),
        Step.HeldReviewPublished => Moderate(ReviewStatus.Held, "publish", ModerationReason.VerifiedWithPatient),
        Step.ReviewRejected => Moderate(ReviewStatus.Published, "reject", ModerationReason.NotAboutTheCare),
        Step.ReviewRestored => RestoreAReview(),
        Step.EfficiencyMeasured => MeasureEfficiency(),
        Step.VettingRulesChanged => ChangeVettingRules(),
        Step.RegulatorChanged => ChangeARegulator(),
        Step.NewEdition => PublishAnEdition(),
        Step.ProposalDecline => DeclineAProposal(),
        Step.SponsoredPlacement => PlaceASponsor(),
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    private async Task Restart()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = await AppFixture.StartHost(_database, Fixture.Clock);
    }

    private string NewName() => $"Clinic {_names++} {_random.Next(1000)}";

    private int[] Ratings(int count) => Enumerable.Range(0, count).Select(_ => _random.Next(1, 6)).ToArray();

    private async Task<List<ClinicStanding>> Clinics(params ClinicStatus[] statuses)
    {
        await using var session = AppStore.QuerySession();
        return (await session.Query<ClinicStanding>().ToListAsync()).Where(x => statuses.Contains(x.Status)).OrderBy(x => x.Id).ToList();
    }

    private async Task<List<ClinicProfile>> Profiles()
    {
        await using var session = AppStore.QuerySession();
        return (await session.Query<ClinicProfile>().ToListAsync()).OrderBy(x => x.Id).ToList();
    }

    private T? Pick<T>(IReadOnlyList<T> items) => items.Count == 0 ? default : items[_random.Next(items.Count)];

    private async Task<Guid> AnApprovedOrSuspendedClinic() =>
        Pick(await Clinics(ClinicStatus.Approved, ClinicStatus.Suspended))?.Id ?? await _app.AnApprovedClinic(Fixture, NewName(), Ratings(5));

    private async Task OpenACase()
    {
        var clinic = await _app.ACleanClinic(Staff, Fixture.Clock.Today, NewName());
        await _app.OpenCase(Staff, clinic);
    }

    private async Task DecideACase(bool approve)
    {
        var open = Pick(await Clinics(ClinicStatus.UnderVetting));
        if (open?.OpenCaseId is not { } caseId)
        {
            await OpenACase();
            open = (await Clinics(ClinicStatus.UnderVetting)).First();
            caseId = open.OpenCaseId!.Value;
        }

        if (!approve)
        {
            await _app.PostJson(Olivia, $"/api/vetting/cases/{caseId}/rejection", new ReasonBody("The protocol could not be confirmed with the clinic"));
            return;
        }

        await _app.RecordAllEvidenceThatCanPass(Staff, caseId, Fixture.Clock.Now);
        var (_, decision) = await _app.Approve(Olivia, caseId);
        decision.Context.Response.StatusCode.ShouldBeOneOf(200, 422);
    }

    private async Task UpdateAProfile()
    {
        var clinic = Pick(await Profiles()).ShouldNotBeNull();
        await _app.Send(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic(clinic.Name, clinic.City, clinic.Country) with { YearsOfExperience = 1 + _random.Next(40) })
                .ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", $"\"{clinic.Version}\"");
        });
    }

    /// <summary>Updates from one version at once: one wins, the others are refused (409) and write nothing.</summary>
    private async Task RaceUpdates()
    {
        var clinic = Pick(await Profiles()).ShouldNotBeNull();
        var changes = Enumerable.Range(1, 60).Where(x => x != clinic.YearsOfExperience).OrderBy(_ => _random.Next()).Take(4).ToList();
        var answers = await Task.WhenAll(changes.Select(years => AtOnce(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic(clinic.Name, clinic.City, clinic.Country) with { YearsOfExperience = years }).ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", $"\"{clinic.Version}\"");
        })));
        answers.Select(x => x.Context.Response.StatusCode).Order().ShouldBe([200, 409, 409, 409]);
        _conflicts += 3;
    }

    /// <summary>The same clinic registered at once: the losers fail on the unique index after their events took sequence
    /// numbers, which Marten fills with placeholder events.</summary>
    /// On a busy machine the losers can arrive one after another and be refused before appending, so the race is run
    /// again (a few times at most) until the log holds a placeholder.
    private async Task RaceRegistrations()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var details = ClinicScenarios.AClinic(NewName());
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AtOnce(Staff, s => s.Post.Json(details).ToUrl("/api/clinics"))));
            answers.Select(x => x.Context.Response.StatusCode).Order().ShouldBe([201, 409, 409, 409]);
            _conflicts += 3;

            await using var session = AppStore.QuerySession();
            if (await session.Events.QueryAllRawEvents().AnyAsync(x => x.EventTypeName == "tombstone"))
            {
                return;
            }
        }
    }

    /// <summary>A call made alongside others (a tracked session follows one call at a time).</summary>
    private Task<IScenarioResult> AtOnce(string token, Action<Scenario> configure) => _app.Scenario(s =>
    {
        s.WithRequestHeader("Authorization", $"Bearer {token}");
        configure(s);
        s.IgnoreStatusCode();
    });

    private async Task RaiseARedFlag() =>
        await _app.PostJson(Staff, $"/api/clinics/{await AnApprovedOrSuspendedClinic()}/red-flags",
            new RedFlagInput(RedFlagCategory.Testimonials, $"Testimonials as evidence, seen {Fixture.Clock.Today}"));

    private async Task ClearARedFlag()
    {
        var flagged = Pick((await Clinics(Enum.GetValues<ClinicStatus>())).Where(x => x.OpenRedFlags.Any()).ToList());
        if (flagged is null)
        {
            await RaiseARedFlag();
            flagged = (await Clinics(Enum.GetValues<ClinicStatus>())).First(x => x.OpenRedFlags.Any());
        }

        await _app.PostJson(Staff, $"/api/clinics/{flagged.Id}/red-flags/{flagged.OpenRedFlags.First().Flag.FlagId}/clearance",
            new ReasonBody("Removed from the clinic's site; checked again"));

        // A clearance leaves the clinic suspended until a second person approves the reinstatement.
        var cleared = await _app.GetClinic(Staff, flagged.Id);
        if (cleared.Status == ClinicStatus.Suspended && !cleared.OpenRedFlags.Any() && _random.Next(2) == 0)
        {
            await _app.PostJson(Olivia, $"/api/clinics/{flagged.Id}/reinstatement/approval", new { });
        }
    }

    /// <summary>An accreditation that lapses in <paramref name="days"/>: its reminders and its lapse are kept to be played as time passes.</summary>
    private async Task<(Guid Clinic, AccreditationInput Accreditation)> AnExpiringAccreditation(int days, Guid? clinicId)
    {
        var clinic = clinicId ?? await AnApprovedOrSuspendedClinic();
        var input = new AccreditationInput("GMP Council", $"GMP-{_names++}", Fixture.Clock.Today.AddYears(-1), Fixture.Clock.Today.AddDays(days));
        var (tracked, result) = await _app.SendTracked(Staff, s => s.Post.Json(input).ToUrl($"/api/clinics/{clinic}/claims/accreditations"));
        result.Context.Response.StatusCode.ShouldBe(201);
        _scheduled.AddRange(tracked.Scheduled.MessagesOf<CredentialCheckDue>());
        return (clinic, input);
    }

    private static DateTimeOffset DueAt(CredentialCheckDue due) =>
        CredentialMonitoring.LapsesAt(due.ValidUntil).AddDays(-(due.DaysBefore ?? 0));

    /// <summary>The clock moves on, and what fell due meanwhile runs now, in the order it fell due, as after a pause of the scheduler.</summary>
    private async Task PassTime(TimeSpan time)
    {
        Fixture.Clock.Advance(time);
        foreach (var due in _scheduled.Where(x => DueAt(x) <= Fixture.Clock.Now).OrderBy(DueAt).ToList())
        {
            _scheduled.Remove(due);
            await _app.InvokeMessageAndWaitAsync(due);
        }
    }

    /// <summary>A credential lapses and suspends the clinic; within the grace period it is renewed and the clinic reinstated.</summary>
    private async Task ReinstateAfterALapse()
    {
        var (clinic, lapsed) = await AnExpiringAccreditation(2, await _app.AnApprovedClinic(Fixture, NewName(), Ratings(5)));
        await PassTime(TimeSpan.FromDays(3));
        (await _app.GetClinic(Staff, clinic)).Status.ShouldBe(ClinicStatus.Suspended);

        await PassTime(TimeSpan.FromDays(1 + _random.Next(20)));
        await _app.PostJson(Staff, $"/api/clinics/{clinic}/claims/accreditations",
            lapsed with { ValidFrom = Fixture.Clock.Today, ValidUntil = Fixture.Clock.Today.AddYears(3) });
        await _app.PostJson(Staff, $"/api/clinics/{clinic}/reinstatement", new ReinstatementInput($"GMP Council registry, {lapsed.CertificateId} renewed"));
        (await _app.GetClinic(Staff, clinic)).Status.ShouldBe(ClinicStatus.Suspended);
        await _app.PostJson(Olivia, $"/api/clinics/{clinic}/reinstatement/approval", new { });
        (await _app.GetClinic(Staff, clinic)).Status.ShouldBe(ClinicStatus.Approved);
    }

    /// <summary>A few reviews of one clinic, some from unverified bookings (held by screening), written days apart.</summary>
    private async Task SubmitReviews(bool firstUnverified = false)
    {
        var clinic = await AnApprovedOrSuspendedClinic();
        for (var i = 0; i < 2 + _random.Next(3); i++)
        {
            // The first from an unverified booking when asked, the second verified: each status a moderation step needs.
            var verified = i == 0 ? !firstUnverified && _random.Next(4) > 0 : i == 1 || _random.Next(4) > 0;
            var id = $"rebuild-{Guid.NewGuid():N}";
            var writtenAt = Fixture.Clock.Now.AddDays(-1 - _random.Next(300));
            await _app.PostJson(Booking, "/api/reviews", new ReviewSubmission(id, $"BK-{id}", clinic, _random.Next(1, 6),
                $"Review {id}: the stay went as planned, and the follow-up call came on day {_random.Next(1, 30)}.", "Knee program",
                DateOnly.FromDateTime(writtenAt.UtcDateTime).AddDays(-10), writtenAt, verified, "Pat Doe", "pat@mail.example"), 201);
        }
    }

    private async Task<List<Review>> Reviews(ReviewStatus status)
    {
        await using var session = AppStore.QuerySession();
        return (await session.Query<Review>().Where(x => x.Status == status).ToListAsync()).OrderBy(x => x.Id).ToList();
    }

    private async Task Moderate(ReviewStatus from, string action, ModerationReason reason)
    {
        var review = Pick(await Reviews(from));
        if (review is null)
        {
            await SubmitReviews(firstUnverified: true);
            review = Pick(await Reviews(from)).ShouldNotBeNull();
        }

        await _app.PostJson(Staff, $"/api/reviews/{review.Id}/{action}", new ModerationDecision(reason, $"Moderated on {Fixture.Clock.Today}"));
    }

    private async Task RestoreAReview()
    {
        if ((await Reviews(ReviewStatus.Rejected)).Count == 0)
        {
            await Moderate(ReviewStatus.Published, "reject", ModerationReason.Fake);
        }

        await Moderate(ReviewStatus.Rejected, "restore", ModerationReason.AppealUpheld);
    }

    private async Task MeasureEfficiency() =>
        await _app.PostJson(Staff, $"/api/clinics/{await AnApprovedOrSuspendedClinic()}/efficiency/inquiry-responses",
            new InquiryResponseInput(1 + _random.Next(90), Fixture.Clock.Now.AddDays(-_random.Next(1, 30)), "Mystery shopper"));

    private async Task ChangeVettingRules() =>
        await _app.PutJson(Rhea, "/api/reference/vetting-rules", new PublishVettingRulesInput(
            VettingRuleSet.Default with { EvidenceFreshnessDays = 100 + _random.Next(60) }, "Committee review of evidence freshness"));

    private async Task ChangeARegulator() =>
        await _app.PutJson(Rhea, "/api/reference/regulators/MX", new RegulatorInput("Federal Commission for Protection against Sanitary Risks",
            "COFEPRIS", "https://www.gob.mx/cofepris", null, $"Registry checked on {Fixture.Clock.Today}", "Annual review of the regulator list"));

    private async Task PublishAnEdition()
    {
        var proposal = await _app.Propose(Staff);
        var approval = await _app.SendTracked(Approver, s => s.Post.Json(new ApprovalInput()).ToUrl($"/api/ranking/proposals/{proposal.Id}/approval"));
        approval.Result.Context.Response.StatusCode.ShouldBe(201);
    }

    private async Task DeclineAProposal()
    {
        var proposal = await _app.Propose(Staff);
        await _app.PostJson(Approver, $"/api/ranking/proposals/{proposal.Id}/decline", new ReasonBody("Waiting for the efficiency audit"));
    }

    private async Task PlaceASponsor() =>
        await _app.PostJson(Olivia, $"/api/clinics/{await AnApprovedOrSuspendedClinic()}/sponsored-placements",
            new SponsoredPlacementInput("Sponsored", Fixture.Clock.Now, Fixture.Clock.Now.AddDays(30)));

    /// <summary>
    /// Each stream folded by Marten's own aggregation (AggregateStreamAsync), for every inline snapshot type, against the
    /// stored document; then each snapshot rebuilt by the daemon, whole. The fold stamps the stream's last version, while a
    /// snapshot kept live (or rebuilt) carries the version of the last event it applied (the ETag the API hands out), so
    /// the fold is compared without it and the daemon's rebuild with it.
    /// </summary>
    private async Task<Dictionary<string, int>> CompareInlineSnapshots(List<string> differences)
    {
        await using var session = AppStore.QuerySession();
        var streams = await session.Events.QueryAllRawEvents().Select(x => x.StreamId).Distinct().ToListAsync();
        var compared = new Dictionary<string, int>();
        async Task Compare<T>() where T : class
        {
            compared[typeof(T).Name] = await CompareFolded<T>(streams, differences);
            await CompareRebuilt<T>(typeof(T).Name, differences);
        }

        await Compare<ClinicProfile>();
        await Compare<ClinicStanding>();
        await Compare<ClinicClaims>();
        await Compare<VettingCase>();
        await Compare<RegulatorDirectory>();
        await Compare<CurrentVettingRules>();
        await Compare<Review>();
        await Compare<ClinicEfficiency>();
        await Compare<CurrentRankingPolicy>();
        await Compare<RankingProposal>();
        await Compare<RankingEditionCatalog>();
        return compared;
    }

    private async Task<int> CompareFolded<T>(IReadOnlyList<Guid> streams, List<string> differences) where T : class
    {
        var compared = 0;
        await using var session = AppStore.QuerySession();
        foreach (var id in streams)
        {
            var live = await session.LoadAsync<T>(id);
            var folded = await session.Events.AggregateStreamAsync<T>(id);
            if (live is null && folded is null) continue;

            compared++;
            var (stored, refolded) = (WithoutVersion(live), WithoutVersion(folded));
            if (stored != refolded)
            {
                differences.Add($"{typeof(T).Name} {id} folded again\n  live:    {stored}\n  rebuilt: {refolded}");
            }
        }

        return compared;
    }

    private static string WithoutVersion(object? document)
    {
        if (JsonSerializer.SerializeToNode(document) is not JsonObject json) return "null";
        json.Remove("Version");
        return Canonical(json)!.ToJsonString();
    }

    /// <summary>Dictionary keys in ordinal order: a document read back from jsonb lists them in jsonb's order, not insertion order.</summary>
    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject json => new JsonObject(json.OrderBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => KeyValuePair.Create(x.Key, Canonical(x.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonical).ToArray()),
        _ => node?.DeepClone(),
    };

    /// <summary>The asynchronous projections and the inline edition projection, rebuilt by the daemon from the events.</summary>
    private async Task<Dictionary<string, int>> CompareRebuiltProjections(List<string> differences) => new()
    {
        [nameof(ClinicReviewStats)] = await CompareRebuilt<ClinicReviewStats>(nameof(ClinicReviewStats), differences),
        [$"{nameof(ClinicReviewStats)} (its own streaming rebuild)"] = await CompareRebuilt<ClinicReviewStats>(nameof(ClinicReviewStats), differences,
            daemon => ProjectionRebuilds.Rebuild(_app.Services, daemon, nameof(ClinicReviewStats), TimeSpan.FromMinutes(5), CancellationToken.None)),
        [nameof(PublicRanking)] = await CompareRebuilt<PublicRanking>(nameof(PublicRanking), differences),
        [nameof(RankingEdition)] = await CompareRebuilt<RankingEdition>(typeof(RankingEditionProjection).FullName!, differences),
    };

    private async Task<int> CompareRebuilt<T>(string projection, List<string> differences, Func<JasperFx.Events.Daemon.IProjectionDaemon, Task>? rebuild = null)
        where T : notnull
    {
        var live = await All<T>();
        using (var daemon = await AppStore.BuildProjectionDaemonAsync())
        {
            await (rebuild?.Invoke(daemon) ?? daemon.RebuildProjectionAsync(projection, CancellationToken.None));
        }

        var rebuilt = await All<T>();
        if (!live.SequenceEqual(rebuilt))
        {
            differences.Add($"{projection} rebuilt by the daemon\n  live:    {string.Join("\n           ", live.Except(rebuilt))}\n  rebuilt: {string.Join("\n           ", rebuilt.Except(live))}");
        }

        return live.Count;
    }

    private async Task<List<string>> All<T>() where T : notnull
    {
        await using var session = AppStore.QuerySession();
        return (await session.Query<T>().ToListAsync()).Select(x => Canonical(JsonSerializer.SerializeToNode(x))!.ToJsonString())
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>What makes the comparison worth something: the history held every kind of change it claims to.</summary>
    private async Task HistoryCovered()
    {
        await using var session = AppStore.QuerySession();
        var types = (await session.Events.QueryAllRawEvents().Select(x => x.EventTypeName).ToListAsync()).CountBy(x => x).ToDictionary();
        string[] expected =
        [
            "credential_expiry_reminder_issued", "credential_lapsed", "clinic_suspended", "clinic_reinstated", "red_flag_raised",
            "red_flag_cleared", "vetting_case_rejected", "clinic_vetting_rejected", "vetting_case_approved", "review_held_for_moderation",
            "review_published", "review_rejected", "review_restored", "vetting_rules_published", "ranking_edition_published",
            "ranking_proposal_declined", "sponsored_placement_recorded", "inquiry_response_measured", "clinic_profile_updated", "tombstone",
        ];
        expected.Where(x => !types.ContainsKey(x)).ShouldBeEmpty();
        types["vetting_rules_published"].ShouldBeGreaterThan(1);
        _conflicts.ShouldBeGreaterThan(0);
    }
}
