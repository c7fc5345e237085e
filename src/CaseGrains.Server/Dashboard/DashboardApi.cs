using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace CaseGrains.Server.Dashboard;

/// <summary>
/// 督办看板 — the supervisors' dashboard at <c>/</c>: plain HTML, CSS and JavaScript embedded in the binary,
/// served without a token (the page holds no data; every figure it shows comes from <c>/api</c> with the
/// token the user pastes in). Not the Orleans dashboard, which is an operator's tool.
/// </summary>
internal static class DashboardApi
{
    /// <summary>Where the files sit in the project, and so in the embedded manifest.</summary>
    private const string Root = "Dashboard/wwwroot";

    /// <summary>The page's assets are under one prefix, so they can never shadow a route of the API or of operations.</summary>
    public const string AssetPrefix = "/ui";

    /// <summary>
    /// Only the service's own scripts, styles and API: no inline script, no third-party origin, no framing,
    /// so that a pasted token cannot be read by anything but this page.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void MapDashboard(this IEndpointRouteBuilder routes)
    {
        var files = DashboardFiles.Load(typeof(DashboardApi).Assembly, Root);
        routes.MapGet("/", (HttpContext http) => Serve(http, files, "index.html"))
            .AllowAnonymous()
            .ExcludeFromDescription();
        routes.MapGet(AssetPrefix + "/{file}", (string file, HttpContext http) => Serve(http, files, file))
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext http, DashboardFiles files, string name)
    {
        // index.html is the page itself, reached as /, never under the asset prefix.
        if (!files.TryGet(name, out var file) || (name == "index.html" && http.Request.Path != "/"))
        {
            return Results.NotFound();
        }
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated every time (a new binary is a new page), answered 304 while unchanged.
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        if (http.Request.Headers.IfNoneMatch.ToString() == file.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(file.Content, file.ContentType);
    }

    /// <summary>The embedded files, read once: a handful of small text files.</summary>
    private sealed class DashboardFiles
    {
        private readonly Dictionary<string, DashboardFile> _files = new(StringComparer.Ordinal);

        public static DashboardFiles Load(System.Reflection.Assembly assembly, string root)
        {
            var provider = new ManifestEmbeddedFileProvider(assembly, root);
            var types = new FileExtensionContentTypeProvider();
            var files = new DashboardFiles();
            foreach (var entry in provider.GetDirectoryContents("/"))
            {
                if (entry.IsDirectory)
                {
                    continue;
                }
                using var stream = entry.CreateReadStream();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                var content = buffer.ToArray();
                var type = types.TryGetContentType(entry.Name, out var known) ? known : "application/octet-stream";
                if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal))
                {
                    type += "; charset=utf-8";
                }
                var etag = "\"" + Convert.ToHexString(SHA256.HashData(content))[..16] + "\"";
                files._files[entry.Name] = new DashboardFile(content, type, etag);
            }
            return files;
        }

        public bool TryGet(string name, out DashboardFile file) => _files.TryGetValue(name, out file!);
    }

    private sealed record DashboardFile(byte[] Content, string ContentType, string ETag);
}
