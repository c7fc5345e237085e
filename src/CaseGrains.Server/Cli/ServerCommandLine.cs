using System.CommandLine;
using CaseGrains.Storage;

namespace CaseGrains.Server.Cli;

/// <summary>The server binary's verbs: <c>migrate</c>, <c>token</c>, and the report verbs <c>export</c>, <c>import</c>, <c>verify</c>, <c>demo-data</c>.</summary>
internal static class ServerCommandLine
{
    private static readonly string[] Verbs = ["migrate", "token", "export", "import", "verify", "demo-data", "--help", "-h", "-?"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("CaseGrains caseload service. Without a verb it runs the HTTP service.");
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(TokenCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(DemoDataCommand.Create());
        return await root.Parse(args).InvokeAsync();
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Apply pending schema migrations to the configured database and exit.");
        command.SetAction(async (_, cancellationToken) =>
        {
            var configuration = ServerConfiguration.Load();
            var options = new StorageOptions();
            configuration.GetSection(StorageOptions.SectionName).Bind(options);
            var failures = new StorageOptionsValidator().Validate(null, options);
            if (failures.Failed)
            {
                await Console.Error.WriteLineAsync("casegrains: invalid configuration: " + failures.FailureMessage);
                return 1;
            }
            var store = CaseStores.Create(options);
            try
            {
                await store.MigrateAsync(cancellationToken);
            }
            catch (StorageUnavailableException ex)
            {
                await Console.Error.WriteLineAsync($"casegrains: cannot reach the {store.ProviderName} database: {ex.InnerException?.Message ?? ex.Message}");
                return 1;
            }
            Console.WriteLine($"Schema of the {store.ProviderName} database is at version {store.ExpectedSchemaVersion}.");
            return 0;
        });
        return command;
    }
}

/// <summary>The same configuration sources as the service: appsettings, environment, user settings.</summary>
internal static class ServerConfiguration
{
    public static IConfiguration Load()
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environments.Production;
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
    }
}
