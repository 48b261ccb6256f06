using ClinicVetting.Clinics;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.Vetting.ReferenceData;

public sealed record PublishVettingRulesInput(VettingRuleSet Rules, [property: FieldLimit(MaxLength = 2000)] string Reason)
    : IHasExample<PublishVettingRulesInput>
{
    public static PublishVettingRulesInput Example => new(VettingRuleSet.Default with { EvidenceFreshnessDays = 90 },
        "Evidence older than 90 days no longer counts, after the audit of 2026-02");

    public FieldErrors Validate()
    {
        var errors = new FieldErrors().WithinLimits(this).Present("reason", Reason);
        if (Rules is null)
        {
            return errors.Add("rules", "is required");
        }

        return errors
            .When(Rules.CellTypes is null || Rules.Routes is null || Rules.Contraindications is null || Rules.RedFlagPhrases is null
                  || Rules.UsApprovedConditions is null || Rules.UsConditionsWithoutApprovedTherapy is null
                  || Rules.IntrathecalCredentials is null || Rules.SurgicalAccreditationScopes is null || Rules.ExpiryReminderDays is null,
                "rules", "every list must be given (it may be empty)")
            .When(Rules.RedFlagPhrases?.Any(x => string.IsNullOrWhiteSpace(x?.Phrase)) == true, "rules.redFlagPhrases", "phrases must not be empty")
            .When(Rules.Contraindications?.Any(x => string.IsNullOrWhiteSpace(x?.Code)) == true, "rules.contraindications", "codes must not be empty")
            .WithinLimits(Rules, "rules")
            .When(Rules.ExpiryReminderDays?.Any(x => x is < 1 or > 3650) == true, "rules.expiryReminderDays", "must be between 1 and 3650 days")
            .Nested("rules", Catalogued("usApprovedConditions", Rules.UsApprovedConditions))
            .Nested("rules", Catalogued("usConditionsWithoutApprovedTherapy", Rules.UsConditionsWithoutApprovedTherapy));
    }

    private static FieldErrors Catalogued(string field, IReadOnlyList<string>? conditions)
    {
        var errors = new FieldErrors();
        for (var i = 0; i < (conditions?.Count ?? 0); i++)
        {
            errors.When(!Conditions.IsKnown(conditions![i]), $"{field}[{i}]", Conditions.NotInCatalog(conditions[i]));
        }

        return errors;
    }
}

public sealed record PublishVettingRules(PublishVettingRulesInput Input);

public sealed record VettingRulesVersion(long Version);

public static class PublishVettingRulesEndpoint
{
    public static ProblemDetails Validate(PublishVettingRulesInput input) => input.Validate().ToProblem();

    /// <summary>An approver publishes a new version of the vetting rules; open cases are re-checked under it.</summary>
    [WolverinePut("/api/reference/vetting-rules", OperationId = "PublishVettingRules"), Authorize(Policy = Policies.Approver)]
    [Tags("Reference data")]
    public static Task<VettingRulesVersion> Put(PublishVettingRulesInput input, IMessageBus bus) =>
        bus.InvokeAsync<VettingRulesVersion>(new PublishVettingRules(input));
}

public static class PublishVettingRulesHandler
{
    public static async Task<(VettingRulesVersion, OutgoingMessages)> Handle(PublishVettingRules command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation);
        var published = Decide(stream.Aggregate, command.Input, Actor.Of(context), clock.GetUtcNow());
        var version = new VettingRulesVersion(stream.AppendIfChanged(published));
        if (published is null)
        {
            return (version, new OutgoingMessages());
        }

        var open = await session.Query<ClinicStanding>().Where(x => x.OpenCaseId != null).Select(x => x.Id).ToListAsync(cancellation);
        var messages = new OutgoingMessages();
        foreach (var clinicId in open)
        {
            messages.Add(new ApplyVettingRules(clinicId));
        }

        return (version, messages);
    }

    /// <summary>The rules as sent, their conditions as catalog codes (a label or synonym is stored as its code); null when they are the rules in force.</summary>
    public static VettingRulesPublished? Decide(CurrentVettingRules? current, PublishVettingRulesInput input, string by, DateTimeOffset now)
    {
        var rules = input.Rules with
        {
            UsApprovedConditions = input.Rules.UsApprovedConditions.Select(Conditions.CodeOf).ToList(),
            UsConditionsWithoutApprovedTherapy = input.Rules.UsConditionsWithoutApprovedTherapy.Select(Conditions.CodeOf).ToList(),
        };
        return current is not null && Unchanged.Is(current.Rules, rules)
            ? null
            : new VettingRulesPublished(rules, input.Reason.Trim(), by, now);
    }
}
