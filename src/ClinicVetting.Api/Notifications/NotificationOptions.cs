namespace ClinicVetting.Notifications;

public enum SmtpSecurity
{
    /// <summary>STARTTLS when the server offers it.</summary>
    Auto,
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>The "Notifications" configuration section: the SMTP server, the sender, and how often a failed delivery is tried again.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>The waits between attempts (e-mails and webhooks); once they are used up the delivery has failed for good.</summary>
    public double[] RetryDelaysSeconds { get; set; } = [10, 60, 300, 1800, 7200];

    /// <summary>How old a webhook's timestamp may be when its receiver checks it (documented for receivers; used by our own check).</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;

    public int MaxAttempts => RetryDelaysSeconds.Length + 1;

    /// <summary>The wait after failed attempt <paramref name="attempts"/> (1-based), or null when no attempt is left.</summary>
    public TimeSpan? DelayAfter(int attempts) =>
        attempts < MaxAttempts ? TimeSpan.FromSeconds(RetryDelaysSeconds[attempts - 1]) : null;

    public static NotificationOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<NotificationOptions>() ?? new NotificationOptions();
}

public sealed class SmtpSettings
{
    /// <summary>Empty: no server configured; notices wait (retrying) until one is.</summary>
    public string Host { get; set; } = "";
    public int Port { get; set; } = 25;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public string FromAddress { get; set; } = "notices@clinicvetting.example";
    public string FromName { get; set; } = "ClinicVetting";

    /// <summary>The domain of each notice's Message-ID (&lt;notice-id@domain&gt;).</summary>
    public string MessageIdDomain { get; set; } = "clinicvetting.example";
}
