using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// What monitoring reads: the request log line says the status the client got; a refusal (4xx) is Information without a stack
/// trace; a failure of ours (5xx) is Error, with the exception and the trace id the caller was given.
/// </summary>
public class logging_requests(AppFixture fixture) : IntegrationContext(fixture)
{
    private readonly CapturedLog _log = new();
    private IAlbaHost _logged = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _logged = await AppFixture.StartHost(Fixture.ConnectionString, Fixture.Clock,
            new Dictionary<string, string> { ["Serilog:MinimumLevel:Default"] = "Information" },
            services => services.AddSingleton<ILogEventSink>(_log));
    }

    public override async Task DisposeAsync()
    {
        await _logged.StopAsync();
        await _logged.DisposeAsync();
    }

    private Task<IScenarioResult> Send(string token, Action<Scenario> configure) => _logged.Scenario(s =>
    {
        s.WithRequestHeader("Authorization", $"Bearer {token}");
        configure(s);
    });

    [Fact]
    public async Task a_refused_request_is_logged_with_its_own_status_at_information_without_a_stack_trace()
    {
        await _logged.RegisterClinic(Staff);
        var conflict = await Send(Staff, s =>
        {
            s.Post.Json(ClinicScenarios.AClinic()).ToUrl("/api/clinics");
            s.StatusCodeShouldBe(409);
        });
        var notFound = await Send(Staff, s =>
        {
            s.Post.Json(new { clinicId = Guid.CreateVersion7() }).ToUrl("/api/vetting/cases");
            s.StatusCodeShouldBe(404);
        });
        var forbidden = await Send(Auditor, s =>
        {
            s.Post.Json(ClinicScenarios.AClinic("Another")).ToUrl("/api/clinics");
            s.StatusCodeShouldBe(403);
        });

        foreach (var (result, status) in new[] { (conflict, 409), (notFound, 404), (forbidden, 403) })
        {
            var request = _log.Of(result).ShouldHaveSingleItem(_log.Describe(result));
            request.Properties["StatusCode"].ToString().ShouldBe(status.ToString());
            request.Level.ShouldBe(LogEventLevel.Information);
            _log.Of(result, includingRequestLine: false).Where(x => x.Level >= LogEventLevel.Warning || x.Exception is not null)
                .ShouldBeEmpty(_log.Describe(result));
        }
    }

    [Fact]
    public async Task a_failure_of_ours_is_logged_at_error_with_the_exception_and_the_trace_id_the_caller_got()
    {
        var result = await Send(Staff, s =>
        {
            s.Get.Url(FailingRoute.Path);
            s.StatusCodeShouldBe(500);
        });
        var traceId = result.ShouldBeProblem(500).TraceId.ShouldNotBeNull();

        var request = _log.Of(result).ShouldHaveSingleItem(_log.Describe(result));
        request.Properties["StatusCode"].ToString().ShouldBe("500");
        request.Level.ShouldBe(LogEventLevel.Error);
        var failure = _log.Of(result, includingRequestLine: false).ShouldHaveSingleItem(_log.Describe(result));
        failure.Level.ShouldBe(LogEventLevel.Error);
        failure.Exception.ShouldNotBeNull().Message.ShouldBe(FailingRoute.Secret);
        failure.RenderMessage().ShouldContain(traceId);
    }

    private sealed class CapturedLog : ILogEventSink
    {
        private readonly List<LogEvent> _events = [];

        public void Emit(LogEvent logEvent)
        {
            lock (_events) _events.Add(logEvent);
        }

        /// <summary>The request's log lines (by its correlation id); the request line itself, or everything else.</summary>
        public IReadOnlyList<LogEvent> Of(IScenarioResult result, bool includingRequestLine = true)
        {
            var correlationId = result.Context.Response.Headers["X-Correlation-ID"].ToString();
            lock (_events)
            {
                return _events.Where(x => x.Properties.TryGetValue("CorrelationId", out var id) && id.ToString().Trim('"') == correlationId)
                    .Where(x => IsRequestLine(x) == includingRequestLine)
                    .ToList();
            }
        }

        public string Describe(IScenarioResult result)
        {
            lock (_events)
            {
                return string.Join("\n", _events.Select(x => $"{x.Level} {x.RenderMessage()} {x.Exception?.GetType().Name}"));
            }
        }

        private static bool IsRequestLine(LogEvent logEvent) => logEvent.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal);
    }
}
