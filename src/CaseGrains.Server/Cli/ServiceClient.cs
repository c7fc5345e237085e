using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseGrains.Server.Auth;

namespace CaseGrains.Server.Cli;

/// <summary>
/// How the verbs that change or read cases reach them: over HTTP, through the running service. On the
/// embedded SQLite default only one silo may own a database (localhost clustering cannot share it), and
/// the live rollups the reports and <c>verify</c> speak of live in that service's township grains, so a
/// second in-process silo would neither be allowed nor see the same figures. Going through the API also
/// means the verbs' commands pass the same checks, scope and audit trail as anyone's. The token is minted
/// with the configured signing key (as the <c>token</c> verb does) unless <c>--token</c> gives one.
/// </summary>
internal sealed class ServiceClient : IDisposable
{
    private readonly HttpClient _http;

    private ServiceClient(HttpClient http) => _http = http;

    /// <summary>The service's address, from <c>--url</c>, else <c>CASEGRAINS_URL</c>, else the default.</summary>
    public static Option<string> UrlOption() => new("--url")
    {
        Description = "The running service (default: CASEGRAINS_URL or " + Infrastructure.CoreSetup.DefaultUrl + ")",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CASEGRAINS_URL") is { Length: > 0 } url ? url : Infrastructure.CoreSetup.DefaultUrl,
    };

    /// <summary>A bearer token; when absent, one is minted with the configured key.</summary>
    public static Option<string?> TokenOption() => new("--token") { Description = "Bearer token (default: minted with the configured signing key)" };

    /// <summary>A client for the service, or null (with the reason on stderr) when no token can be had.</summary>
    public static ServiceClient? Connect(string url, string? token, string role, string[]? townships, string subject)
    {
        if (token is null)
        {
            var options = new AuthOptions();
            ServerConfiguration.Load().GetSection(AuthOptions.SectionName).Bind(options);
            if (new AuthOptionsValidator().Validate(null, options) is { Failed: true } validation)
            {
                Console.Error.WriteLine("casegrains: invalid configuration: " + validation.FailureMessage);
                return null;
            }
            if (SigningKeys.Resolve(options) is not { } key)
            {
                Console.Error.WriteLine("casegrains: Auth:Authority is set; pass a token from the identity provider with --token.");
                return null;
            }
            token = TokenMinter.Mint(key, role, townships, null, subject, subject, TimeSpan.FromHours(2), options.Issuer, options.Audience);
        }
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ServiceClient(http);
    }

    /// <summary>Sends a request; the answer's status and body (problem details included).</summary>
    public async Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, JsonNode? body = null,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            }
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            var response = await _http.SendAsync(request, cancellationToken);
            // Over the caller's request budget: wait as told and send the same request again (a verb is one caller).
            if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests && attempt < MaxRateLimitedAttempts)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                response.Dispose();
                await Task.Delay(wait, cancellationToken);
                continue;
            }
            return await ReadAsync(response, cancellationToken);
        }
    }

    private const int MaxRateLimitedAttempts = 120;

    /// <summary>Posts a file.</summary>
    public async Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> PostFileAsync(string path, byte[] content, string mediaType, CancellationToken cancellationToken)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await ReadAsync(await _http.PostAsync(path, body, cancellationToken), cancellationToken);
    }

    /// <summary>Gets raw bytes (an exported file).</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken) => await _http.GetAsync(path, cancellationToken);

    /// <summary>The one-line reason of a refused request, for stderr.</summary>
    public static string Reason(int status, JsonNode? problem)
    {
        var detail = problem?["detail"]?.GetValue<string>() ?? problem?["title"]?.GetValue<string>() ?? "";
        var errors = problem?["errors"] is JsonObject fields ? " " + string.Join("; ", fields.Select(f => $"{f.Key}: {f.Value?.ToJsonString()}")) : "";
        return $"{status} {detail}{errors}".Trim();
    }

    /// <summary>What to print when the service is not there.</summary>
    public static string Unreachable(string url, Exception ex) =>
        $"casegrains: cannot reach the service at {url} ({ex.GetType().Name}); start it with `dotnet run --project src/CaseGrains.Server` or pass --url.";

    private static async Task<(int, JsonNode?, HttpResponseMessage)> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? json = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON after all: the status says enough.
            }
        }
        return ((int)response.StatusCode, json, response);
    }

    public void Dispose() => _http.Dispose();
}
