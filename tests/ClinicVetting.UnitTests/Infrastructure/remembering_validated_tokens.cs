using System.Security.Claims;
using System.Security.Cryptography;
using ClinicVetting.Infrastructure.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClinicVetting.UnitTests.Infrastructure;

public class remembering_validated_tokens
{
    private static readonly SymmetricSecurityKey Key = NewKey();

    private readonly CountingHandler _inner = new();

    private static SymmetricSecurityKey NewKey() => new(RandomNumberGenerator.GetBytes(64));

    private static TokenValidationParameters Parameters(SecurityKey? key = null, string audience = "clinicvetting-api") => new()
    {
        ValidIssuer = "clinicvetting",
        ValidAudience = audience,
        IssuerSigningKey = key ?? Key,
        NameClaimType = "sub",
        RoleClaimType = "role",
        ClockSkew = TimeSpan.Zero,
    };

    private static string Token(TimeSpan lifetime, SecurityKey? key = null, string subject = "stella-staff", string audience = "clinicvetting-api")
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "clinicvetting",
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", Roles.Staff)]),
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now.Add(lifetime),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });
    }

    [Fact]
    public async Task a_token_seen_before_is_accepted_without_being_validated_again()
    {
        var tokens = new ValidatedTokens(_inner);
        var token = Token(TimeSpan.FromHours(1));

        var first = await tokens.ValidateTokenAsync(token, Parameters());
        var second = await tokens.ValidateTokenAsync(token, Parameters());

        (first.IsValid, second.IsValid).ShouldBe((true, true));
        _inner.Calls.ShouldBe(1);
        second.ClaimsIdentity.Name.ShouldBe("stella-staff");
        second.ClaimsIdentity.HasClaim("role", Roles.Staff).ShouldBeTrue();
        second.SecurityToken.ValidTo.ShouldBe(first.SecurityToken.ValidTo);
    }

    [Fact]
    public async Task a_remembered_token_is_refused_once_it_has_expired()
    {
        var tokens = new ValidatedTokens(_inner);
        var token = Token(TimeSpan.FromSeconds(1));
        (await tokens.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        await Task.Delay(TimeSpan.FromSeconds(2));

        var later = await tokens.ValidateTokenAsync(token, Parameters());
        later.IsValid.ShouldBeFalse();
        later.Exception.ShouldBeOfType<SecurityTokenExpiredException>();
    }

    [Fact]
    public async Task a_remembered_token_is_refused_once_its_signing_key_is_replaced()
    {
        var tokens = new ValidatedTokens(_inner);
        var token = Token(TimeSpan.FromHours(1));
        (await tokens.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        (await tokens.ValidateTokenAsync(token, Parameters(key: NewKey()))).IsValid.ShouldBeFalse();
        var rotated = Parameters();
        rotated.IssuerSigningKey = null;
        rotated.IssuerSigningKeys = [NewKey()];
        (await tokens.ValidateTokenAsync(token, rotated)).IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task a_remembered_token_is_refused_for_another_audience()
    {
        var tokens = new ValidatedTokens(_inner);
        var token = Token(TimeSpan.FromHours(1));
        (await tokens.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        (await tokens.ValidateTokenAsync(token, Parameters(audience: "another-api"))).IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task a_token_refused_once_is_never_remembered()
    {
        var tokens = new ValidatedTokens(_inner);
        var forged = Token(TimeSpan.FromHours(1), key: NewKey());
        var forAnotherApi = Token(TimeSpan.FromHours(1), audience: "another-api");

        foreach (var refused in new[] { forged, forAnotherApi, forged, forAnotherApi })
        {
            (await tokens.ValidateTokenAsync(refused, Parameters())).IsValid.ShouldBeFalse();
        }

        _inner.Calls.ShouldBe(4);
        tokens.Count.ShouldBe(0);
    }

    [Fact]
    public async Task claims_added_to_one_requests_identity_do_not_reach_the_next()
    {
        var tokens = new ValidatedTokens(_inner);
        var token = Token(TimeSpan.FromHours(1));
        (await tokens.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        (await tokens.ValidateTokenAsync(token, Parameters())).ClaimsIdentity.AddClaim(new Claim("role", Roles.Approver));

        (await tokens.ValidateTokenAsync(token, Parameters())).ClaimsIdentity.HasClaim("role", Roles.Approver).ShouldBeFalse();
    }

    [Fact]
    public async Task it_remembers_no_more_tokens_than_its_capacity()
    {
        var tokens = new ValidatedTokens(_inner, capacity: 3);

        for (var i = 0; i < 10; i++)
        {
            (await tokens.ValidateTokenAsync(Token(TimeSpan.FromHours(1), subject: $"user-{i}"), Parameters())).IsValid.ShouldBeTrue();
            tokens.Count.ShouldBeLessThanOrEqualTo(3);
        }
    }

    private sealed class CountingHandler : TokenHandler
    {
        private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
        private int _calls;

        public int Calls => _calls;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters parameters)
        {
            Interlocked.Increment(ref _calls);
            return _handler.ValidateTokenAsync(token, parameters);
        }
    }
}
