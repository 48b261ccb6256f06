using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;
using Marten;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>What one execution of a list of steps did, and the first step (position in the list) that broke an invariant.</summary>
public sealed record RunResult(IReadOnlyList<string> Trace, IReadOnlyList<Violation> Violations, int FailedAt, IReadOnlyList<bool> Inert)
{
    public bool Failed => Violations.Count > 0;
}

/// <summary>
/// Drives one list of steps through HTTP against a freshly reset database and checks every invariant after each step.
/// Stops at the first step that breaks one (ignoring those named in <paramref name="ignored"/>).
/// </summary>
public sealed partial class ModelRun(ModelHost app, IReadOnlyList<Step> steps, IReadOnlySet<string> ignored, IReadOnlyList<int>? numbers = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan KeyRetention = TimeSpan.FromHours(24);
    private static readonly Person Everyone = new("eve-every-role", "*");

    private readonly List<string> _trace = [];
    private readonly List<Violation> _violations = [];
    private readonly List<Acknowledged> _acknowledged = [];
    private readonly List<Sent> _keyed = [];
    private readonly Dictionary<Guid, (ClinicKind Kind, string Body)> _registered = [];
    private readonly List<ReviewSent> _reviews = [];
    private readonly Dictionary<string, string> _tokens = [];
    private readonly List<bool> _inert = [];
    private bool _stepWrote;
    private EventLog _log = null!;
    private int _step;
    private int _requests;
    private int _registrations;
    private int _editionsReplayed;
    private List<string> _answers = [];

    private sealed record Sent(Person Who, HttpMethod Method, string Url, string? Body, string Key, WriteOperation Operation, int Status,
        string Answer, DateTimeOffset At);

    private sealed record Acknowledged(string Correlation, WriteOperation Operation, string Description);

    private sealed record ReviewSent(string ExternalId, string BookingId, Guid ClinicId, int Rating, bool Verified, string Body);

    private sealed record Answer(int Status, string Body, bool Replayed, IReadOnlyList<LoggedEvent> Written)
    {
        public bool Succeeded => Status is >= 200 and < 300;
        public JsonNode? Json => Body.Length > 0 && Body.TrimStart().StartsWith('{') ? JsonNode.Parse(Body) : null;

        /// <summary>The API answered that what was sent is already on file (a claim sent again after its key expired): nothing to write.</summary>
        public bool Unchanged => Succeeded && Json?["unchanged"]?.GetValueKind() == JsonValueKind.True;
    }

    public async Task<RunResult> Execute()
    {
        await app.Reset();
        await using (var session = app.Store.QuerySession())
        {
            var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId) ?? new CurrentVettingRules();
            _log = new EventLog(rules.Rules.EvidenceFreshnessDays);
        }

        await _log.Pull(app.Store);
        for (_step = 0; _step < steps.Count; _step++)
        {
            _answers = [];
            _stepWrote = steps[_step] is AdvanceClock;
            var what = await Perform(steps[_step]);
            _inert.Add(!_stepWrote);
            _trace.Add($"{Number,3}. {steps[_step]}  ->  {what}{(_answers.Count > 0 ? $"  [{string.Join(" ", _answers)}]" : "")}");
            await CheckEditions(all: false);
            CollectLogViolations();
            if (_violations.Count > 0)
            {
                return new RunResult(_trace, _violations, _step, _inert);
            }
        }

        _trace.Add($"end: the whole log read again, every acknowledged write, every edition replayed, integrity");
        await CheckTheWholeLog();
        CollectLogViolations();
        return new RunResult(_trace, _violations, _violations.Count > 0 ? steps.Count : -1, _inert);
    }

    private Task<string> Perform(Step step) => step switch
    {
        Register s => Register(s),
        RegisterAgain s => RegisterAgain(s),
        Relicense s => Relicense(s),
        Advertise s => Advertise(s),
        OpenCase s => OpenCase(s),
        RecordEvidence s => RecordEvidence(s),
        PrepareAll s => PrepareAll(s),
        Waive s => Waive(s),
        WaiveAll s => WaiveAll(s),
        RaiseFlag s => RaiseFlag(s),
        ClearFlag s => ClearFlag(s),
        ApproveCase s => Decide(s.Worker, s.Case, approve: true),
        RejectCase s => Decide(s.Worker, s.Case, approve: false),
        Vet s => Vet(s),
        AdvanceClock s => PassTime(s),
        SubmitReview s => SubmitReview(s),
        ModerateReview s => ModerateReview(s),
        Propose s => Propose(s),
        Publish s => Publish(s),
        ApproveProposal s => DecideProposal(s.Worker, s.Proposal, approve: true),
        DeclineProposal s => DecideProposal(s.Worker, s.Proposal, approve: false),
        Retry s => Retry(s),
        Restart => RestartTheApi(),
        SendNotAnObject s => SendNotAnObject(s),
        Race s => Race(s),
        _ => throw new InvalidOperationException($"No way to perform {step}"),
    };

    // ---- Requests and what they wrote ----

    /// <summary>One write as sent: who, what, with which key, under which correlation id.</summary>
    private sealed record WriteRequest(Person Who, HttpMethod Method, string Url, string? Body, WriteOperation Operation, string? Key,
        string Correlation, bool ExpectWrites, DateTimeOffset SentAt)
    {
        public override string ToString() => $"{Who} {Method} {Url} ({Operation})";
    }

    private sealed record Response(int Status, string Body, bool Replayed);

    private WriteRequest Request(Person who, HttpMethod method, string url, string? body, WriteOperation operation, string? key = null,
        bool expectWrites = true)
    {
        var correlation = $"model-{_step}-{++_requests}";
        return new WriteRequest(who, method, url, body, operation, key ?? (method == HttpMethod.Post ? $"key-{_step}-{_requests}" : null),
            correlation, expectWrites, app.Clock.Now);
    }

    /// <summary>
    /// Sends one write (a POST with a fresh Idempotency-Key unless given one), waits for every message it set off, reads
    /// what the log gained and checks it: no 5xx, the role enforced, nothing written when refused or replayed, every
    /// event an acknowledged write promises written exactly once.
    /// </summary>
    private async Task<Answer> Write(Person who, HttpMethod method, string url, string? body, WriteOperation operation, string? key = null,
        bool expectWrites = true)
    {
        var request = Request(who, method, url, body, operation, key, expectWrites);
        var response = await app.AndWait(() => Send(request));
        return Judge(request, response, await PullWrites(), alone: true);
    }

    /// <summary>Several writes at the same instant: each is judged on the events of its own correlation id.</summary>
    private async Task<IReadOnlyList<Answer>> WriteAtOnce(params WriteRequest[] requests)
    {
        var responses = await app.AndWait(() => Task.WhenAll(requests.Select(Send)));
        var written = await PullWrites();
        return requests.Zip(responses, (request, response) => Judge(request, response, written, alone: false)).ToList();
    }

    private async Task<Response> Send(WriteRequest write)
    {
        using var request = new HttpRequestMessage(write.Method, write.Url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(write.Who));
        request.Headers.Add("X-Correlation-ID", write.Correlation);
        if (write.Key is not null) request.Headers.Add("Idempotency-Key", write.Key);
        if (write.Body is not null) request.Content = new StringContent(write.Body, Encoding.UTF8, "application/json");
        using var answer = await app.Client.SendAsync(request);
        return new Response((int)answer.StatusCode, await answer.Content.ReadAsStringAsync(),
            answer.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"));
    }

    /// <summary>What the log gained (Marten's placeholders for sequence numbers of failed appends aside).</summary>
    private async Task<List<LoggedEvent>> PullWrites()
    {
        var written = (await _log.Pull(app.Store)).Where(x => !x.IsPlaceholder).ToList();
        _stepWrote |= written.Count > 0;
        return written;
    }

    /// <summary>Alone, everything the log gained is the request's; at once with others, what carries its correlation id.</summary>
    private Answer Judge(WriteRequest request, Response response, IReadOnlyList<LoggedEvent> gained, bool alone)
    {
        var written = alone ? gained : gained.Where(x => x.Correlation == request.Correlation).ToList();
        var result = new Answer(response.Status, response.Body, response.Replayed, written);
        _answers.Add(response.Replayed ? $"{response.Status}r" : $"{response.Status}");
        var what = $"{request} -> {response.Status}";

        if (response.Status >= 500)
        {
            Fail(Invariants.NoServerError, $"{what}: {Excerpt(response.Body)}");
        }

        var who = request.Who;
        if (request.Operation.Roles.Length > 0 && !request.Operation.Roles.Contains(who.Role) && who != Everyone && response.Status != 403)
        {
            Fail(Invariants.RoleEnforced, $"{what}, but a {who.Role} may not {request.Operation}");
        }

        if (!result.Succeeded && written.Count > 0)
        {
            Fail(Invariants.RefusedWritesNothing, $"{what} wrote {string.Join("; ", written)}");
        }
        else if (result.Succeeded && request.Operation == WriteOperations.Unshaped)
        {
            // Judged by the caller: such a body is never accepted, whatever it wrote.
        }
        else if (result.Succeeded && (response.Replayed || !request.ExpectWrites || result.Unchanged) && written.Count > 0)
        {
            Fail(Invariants.RetryWritesNothing, $"{what} ({(response.Replayed ? "replayed" : "nothing to write")}) wrote {string.Join("; ", written)}");
        }
        else if (result.Succeeded && !response.Replayed && request.ExpectWrites && !result.Unchanged)
        {
            foreach (var type in request.Operation.Writes)
            {
                var count = written.Count(x => x.Data.GetType() == type && x.Correlation == request.Correlation);
                if (count != 1)
                {
                    Fail(Invariants.AcknowledgedOnce, $"{what}, but the log holds {count} {type.Name} of that request");
                }
            }

            _acknowledged.Add(new Acknowledged(request.Correlation, request.Operation, what));
        }

        if (request.Key is not null && request.Operation != WriteOperations.Unshaped)
        {
            _keyed.Add(new Sent(who, request.Method, request.Url, request.Body, request.Key, request.Operation, response.Status, response.Body,
                request.SentAt));
        }

        return result;
    }

    /// <summary>What a restart must keep: every event read before it, every acknowledged write once, every edition replaying, an intact log.</summary>
    private async Task CheckTheWholeLog()
    {
        var whole = await EventLog.Read(app.Store, 0);
        var bySequence = whole.ToDictionary(x => x.Sequence);
        foreach (var known in _log.Events.Where(x => !x.IsPlaceholder))
        {
            if (!bySequence.TryGetValue(known.Sequence, out var found) || found.Type != known.Type || found.StreamId != known.StreamId)
            {
                Fail(Invariants.NothingLost, $"{known} was in the log and is gone (now: {found?.ToString() ?? "nothing"})");
            }
        }

        foreach (var acknowledged in _acknowledged)
        {
            foreach (var type in acknowledged.Operation.Writes)
            {
                var count = whole.Count(x => x.Data.GetType() == type && x.Correlation == acknowledged.Correlation);
                if (count != 1)
                {
                    Fail(Invariants.NothingLost, $"{acknowledged.Description}: the log now holds {count} {type.Name} of it");
                }
            }
        }

        await _log.Pull(app.Store);
        await CheckEditions(all: true);
        var integrity = await Read(People.Auditor, "/api/audit/integrity");
        if (integrity.Status != 200 || integrity.Json?["valid"]?.GetValue<bool>() != true)
        {
            Fail(Invariants.LogIntact, $"GET /api/audit/integrity -> {integrity.Status}: {Excerpt(integrity.Body, 600)}");
        }
    }

    private async Task CheckEditions(bool all)
    {
        foreach (var edition in _log.Editions.Skip(all ? 0 : _editionsReplayed))
        {
            var replay = await Read(People.Auditor, $"/api/audit/editions/{edition}/replay");
            if (replay.Status != 200 || replay.Json?["matches"]?.GetValue<bool>() != true)
            {
                Fail(Invariants.EditionReplays, $"GET /api/audit/editions/{edition}/replay -> {replay.Status}: {Excerpt(replay.Body, 600)}");
            }
        }

        _editionsReplayed = _log.Editions.Count;
    }

    private async Task<Answer> Read(Person who, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(who));
        using var response = await app.Client.SendAsync(request);
        var answer = new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), false, []);
        if (answer.Status >= 500)
        {
            Fail(Invariants.NoServerError, $"{who} GET {url} -> {answer.Status}: {Excerpt(answer.Body)}");
        }

        return answer;
    }

    private sealed record CheckState(CheckKind Kind, string Status, bool Blocked);

    /// <summary>The case's checks as the API shows them to the one preparing it.</summary>
    private async Task<IReadOnlyList<CheckState>> Checks(Person who, CaseFacts vettingCase)
    {
        var view = (await Read(who, $"/api/vetting/cases/{vettingCase.Id}")).Json;
        return view?["checks"]?.AsArray().Select(check => new CheckState(
                CheckRoute.Parse(check!["route"]!.GetValue<string>()),
                check["status"]!.GetValue<string>(),
                check["findings"]!.AsArray().Any(finding => finding!["blocking"]!.GetValue<bool>())))
            .ToList() ?? [];
    }

    private void CollectLogViolations()
    {
        foreach (var violation in _log.Violations)
        {
            Fail(violation.Invariant, violation.Detail);
        }

        _log.Violations.Clear();
    }

    private void Fail(string invariant, string detail)
    {
        if (!ignored.Contains(invariant))
        {
            _violations.Add(new Violation(invariant, _step < steps.Count ? $"step {Number}: {detail}" : $"after the last step: {detail}"));
        }
    }

    // ---- Naming things ----

    /// <summary>The step's number in the generated run (a shrunk run keeps the numbers of the steps it kept).</summary>
    private int Number => numbers is not null && _step < numbers.Count ? numbers[_step] : _step;

    private ClinicFacts? ClinicAt(int index) => _log.Clinics.Count == 0 ? null : _log.Clinics[index % _log.Clinics.Count];

    /// <summary>An open case when there is one (so steps make progress), else any.</summary>
    private CaseFacts? CaseAt(int index)
    {
        var open = _log.Cases.Where(x => x.Status == CaseStatus.Open).ToList();
        var pool = open.Count > 0 ? open : _log.Cases;
        return pool.Count == 0 ? null : pool[index % pool.Count];
    }

    private string Describe(Guid clinicId) =>
        _log.Clinic(clinicId) is { } clinic
            ? $"'{clinic.Name}' ({(_registered.TryGetValue(clinicId, out var registered) ? registered.Kind : "?")})"
            : $"clinic {clinicId:N}";

    private string Describe(CaseFacts vettingCase) =>
        $"case {_log.Cases.IndexOf(vettingCase)} ({vettingCase.Status.ToString().ToLowerInvariant()}, opened by {vettingCase.OpenedBy}) of {Describe(vettingCase.ClinicId)}";

    private string Token(Person who)
    {
        if (!_tokens.TryGetValue(who.Name, out var token))
        {
            token = app.TokenFor(who.Name, who == Everyone ? Roles.All : [who.Role]);
            _tokens[who.Name] = token;
        }

        return token;
    }

    private static string ToJson(object value) => JsonSerializer.Serialize(value, Json);

    /// <summary>
    /// The same request with one thing changed, still a body its endpoint accepts (so only the key's check can refuse it): a
    /// free-text field gains a suffix, else an id becomes another id, else a field the endpoint ignores is added. Never a
    /// suffix on an id, a date, a URL or an enum name: that body would be refused as malformed (400) before the key is read.
    /// </summary>
    internal static string OtherBody(string? body)
    {
        if (body is null || JsonNode.Parse(body) is not JsonObject json)
        {
            return """{"retried":true}""";
        }

        var text = json.Where(x => x.Value is JsonValue value && value.TryGetValue<string>(out _))
            .Select(x => (x.Key, Value: x.Value!.GetValue<string>())).ToList();
        if (text.FirstOrDefault(x => x.Key is "reason" or "note" or "reference" or "text" or "description" or "name") is { Key: { } prose } field)
        {
            json[prose] = field.Value + " (changed)";
        }
        else if (text.FirstOrDefault(x => Guid.TryParse(x.Value, out _)) is { Key: { } idField } id)
        {
            json[idField] = OtherId(Guid.Parse(id.Value)).ToString();
        }
        else
        {
            json["retried"] = true;
        }

        return json.ToJsonString();
    }

    /// <summary>Another well-formed id, derived from the first (so a seed still pins the body).</summary>
    private static Guid OtherId(Guid id)
    {
        var bytes = id.ToByteArray();
        bytes[^1] ^= 0xFF;
        return new Guid(bytes);
    }

    private static string Excerpt(string text, int length = 300) => text.Length <= length ? text : text[..length] + "...";
}
