using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Notifications;

namespace ClinicVetting.IntegrationTests.Notifications;

/// <summary>
/// The shared host with its notices e-mailed to a test SMTP server of this class's own (retries 0.2 s apart), and the
/// host's notification settings put back afterwards.
/// </summary>
public abstract class SmtpContext(AppFixture fixture) : IntegrationContext(fixture)
{
    // A port the OS hands out, not a fixed one: parallel test runs on one machine (other checkouts) must not collide.
    private readonly int _smtpPort = ApiProcess.FreePort();
    private SmtpSettings _saved = null!;
    private double[] _savedDelays = [];

    protected TestSmtpServer Smtp { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Smtp = new TestSmtpServer(_smtpPort);
        var options = Host.Notifications();
        (_saved, _savedDelays) = (options.Smtp, options.RetryDelaysSeconds);
        options.Smtp = new SmtpSettings { Host = "127.0.0.1", Port = _smtpPort, Security = SmtpSecurity.None, MessageIdDomain = "notices.test" };
        options.RetryDelaysSeconds = [0.2, 0.2, 0.2];
    }

    public override async Task DisposeAsync()
    {
        var options = Host.Notifications();
        (options.Smtp, options.RetryDelaysSeconds) = (_saved, _savedDelays);
        await Smtp.DisposeAsync();
        await base.DisposeAsync();
    }
}
