using System.Reflection;
using System.Runtime.Loader;
using CaseGrains.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;
using Xunit.Abstractions;

namespace CaseGrains.Server.Tests;

/// <summary>
/// An integrator's first hour: a C# client generated from the served document (NSwag), compiled in
/// memory (Roslyn), drives a petition and a dispute through their lives over HTTP and reads an error
/// answer as the typed problem body. The driver is ordinary C# against the generated types, so a
/// document that generates a client with other names or shapes fails to compile here.
/// </summary>
public sealed class GeneratedClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_generated_from_the_served_document_drives_both_lifecycles_and_reads_a_typed_problem()
    {
        await using var app = await CaseGrainsApp.StartAsync(StoreKind.Sqlite);
        await app.CreateTownshipAsync("tianjiazhai", "county-1", "wang", "li");
        using var anonymous = app.CreateClient();
        var document = await OpenApiDocument.FromJsonAsync(await anonymous.GetStringAsync("/openapi/v1.json"));

        var code = Generate(document);
        var assembly = Compile(code, Driver());

        using var http = app.CheckedClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            app.Token(Auth.Roles.Admin, subject: "integrator"));
        var run = assembly.GetType("CaseGrains.Integrator.Driver")!.GetMethod("RunAsync")!;
        var log = await (Task<IReadOnlyList<string>>)run.Invoke(null, [http, "tianjiazhai"])!;
        foreach (var line in log)
        {
            output.WriteLine(line);
        }
        Assert.Contains("petition final", log);
        Assert.Contains("dispute closed", log);
        Assert.Contains(log, l => l.StartsWith("problem 404 case.not-found ", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("problem 409 petition.", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("problem 400 request.invalid ", StringComparison.Ordinal) && l.Contains("errors:", StringComparison.Ordinal));
    }

    /// <summary>The client an integrator would generate: one class, System.Text.Json, exceptions carrying the typed problem.</summary>
    private static string Generate(OpenApiDocument document)
    {
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "CaseGrainsClient",
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            GenerateClientInterfaces = false,
            UseBaseUrl = false,
            InjectHttpClient = true,
            ExceptionClass = "CaseGrainsApiException",
        };
        settings.CSharpGeneratorSettings.Namespace = "CaseGrains.Integrator.Generated";
        settings.CSharpGeneratorSettings.JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson;
        return new CSharpClientGenerator(document, settings).GenerateFile();
    }

    private static string Driver()
    {
        using var stream = typeof(GeneratedClientTests).Assembly.GetManifestResourceStream("CaseGrains.Server.Tests.GeneratedClient.ClientDriver.cs")
            ?? throw new InvalidOperationException("The driver source is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Compiles the sources against the framework the tests run on and loads the result.</summary>
    private static Assembly Compile(params string[] sources)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("CaseGrains.Integrator." + Guid.NewGuid().ToString("N"),
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            // Kept for whoever reads the failure: the generated client as it failed.
            var kept = Path.Combine(Path.GetTempPath(), "casegrains-generated-client.cs");
            File.WriteAllText(kept, sources[0]);
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20).Select(d => d.ToString());
            Assert.Fail($"The generated client ({kept}) and its driver do not compile:\n" + string.Join("\n", errors));
        }
        image.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(image);
    }
}
