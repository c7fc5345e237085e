using System.CommandLine;

namespace CaseGrains.Server.Cli;

/// <summary>Placeholder until authentication lands.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var command = new Command("token", "Mint a bearer token for local use.");
        command.SetAction(_ => 0);
        return command;
    }
}
